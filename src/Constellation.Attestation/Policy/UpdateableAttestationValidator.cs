using System;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Attestation.Policy;

/// <summary>
/// A validator whose policy (variant, measurements, variant options) comes from a source and is replaced when the
/// source changes — on file-system events (including the Kubernetes ConfigMap symlink swap), on an optional poll
/// interval, and on <see cref="ReloadAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every validation reads the current <see cref="ActivePolicy"/> once and uses it to the end, so it sees one
/// complete policy, never a mix; a swap is a single reference write. Validations never wait for a reload.
/// </para>
/// <para>
/// A bad update (unreadable, unparseable, another variant, wrong measurement lengths, no measurements without the
/// factory's <see cref="AttestationValidatorFactory.AllowEmptyMeasurements"/>, a config the variant's builder rejects)
/// leaves the previous policy in effect, is logged as an error and counted in
/// <c>constellation.attestation.policy.reload_failures</c>. The first load is different: if it fails,
/// <see cref="CreateAsync"/> throws, because a service must not start without a policy.
/// </para>
/// <para>
/// Thread safety: all members are safe to call concurrently; reloads are serialised. Validators that are swapped out
/// are not disposed, because validations may still be using them.
/// </para>
/// </remarks>
public sealed class UpdateableAttestationValidator : IAttestationValidator, IAsyncDisposable, IDisposable
{
    private readonly IAttestationPolicySource _source;
    private readonly AttestationValidatorFactory _factory;
    private readonly UpdateableValidatorOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly PolicyFileWatcher? _watcher;
    private readonly Task _loop;
    private ActivePolicy _current;
    private int _disposed;

    private UpdateableAttestationValidator(
        IAttestationPolicySource source,
        AttestationValidatorFactory factory,
        UpdateableValidatorOptions options,
        ILogger logger,
        IMeterFactory? meterFactory,
        ActivePolicy first)
    {
        _source = source;
        _factory = factory;
        _options = options;
        _logger = logger;
        _current = first;
        _metrics = new PolicyMetrics(meterFactory, source.Description, () => Volatile.Read(ref _current).Generation);
        if (options.WatchForChanges && source is FileAttestationPolicySource file)
        {
            _watcher = new PolicyFileWatcher(file.Path, SignalChange, logger);
        }

        _loop = _watcher is null && options.PollInterval is null ? Task.CompletedTask : Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Raised after every reload attempt (also failed and unchanged ones), on the reloading thread.</summary>
    public event EventHandler<PolicyReloadResult>? ReloadCompleted;

    /// <summary>Gets the variant of the policy in effect (it changes when a reload switches variant).</summary>
    public AttestationVariant Variant => Current.Config.Variant;

    /// <summary>Gets the policy in effect.</summary>
    public ActivePolicy Current => Volatile.Read(ref _current);

    /// <summary>Gets the source the policy is read from.</summary>
    public IAttestationPolicySource Source => _source;

    /// <summary>Loads the first policy and starts watching the source.</summary>
    /// <param name="source">The policy source.</param>
    /// <param name="factory">Builds validators for the policy's variant.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives reload and failure messages; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> to create an owned <see cref="Meter"/>.</param>
    /// <param name="cancellationToken">Cancels the first load.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="AttestationException">The first policy cannot be read or parsed.</exception>
    /// <exception cref="InvalidOperationException">The first policy is <c>dummy</c> and the factory was not asked for it by name.</exception>
    public static async Task<UpdateableAttestationValidator> CreateAsync(
        IAttestationPolicySource source,
        AttestationValidatorFactory factory,
        UpdateableValidatorOptions? options = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(factory);
        options ??= new UpdateableValidatorOptions();
        logger ??= NullLogger.Instance;
        var config = await source.LoadAsync(cancellationToken).ConfigureAwait(false);
        var first = new ActivePolicy(config, Build(source, factory, config, logger), 1, options.TimeProvider.GetUtcNow());
        PolicyLog.PolicyApplied(logger, source.Description, config.Variant.Name, config.Measurements.Count, 1);
        return new UpdateableAttestationValidator(source, factory, options, logger, meterFactory, first);
    }

    /// <inheritdoc />
    /// <remarks>Uses the policy in effect when the call starts, for the whole validation.</remarks>
    public ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Current.Validator.ValidateAsync(document, nonce, cancellationToken);
    }

    /// <summary>
    /// Reads the source now and applies the policy if it is valid and differs from the one in effect. Never throws
    /// for a bad update: the result says what happened.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reload; the policy in effect is then unchanged.</param>
    /// <returns>The outcome and the policy in effect afterwards.</returns>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A bad update of any kind must leave the previous policy in effect; the error is logged, counted and returned.")]
    public async Task<PolicyReloadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _reloadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        PolicyReloadResult result;
        try
        {
            var previous = Current;
            try
            {
                var config = await _source.LoadAsync(cancellationToken).ConfigureAwait(false);
                if (config.Variant != previous.Config.Variant && !_options.AllowVariantChange)
                {
                    throw new AttestationFormatException(
                        $"policy from {_source.Description}: wrong variant: expected {previous.Config.Variant.Name}, got {config.Variant.Name} (variant changes are not allowed)");
                }

                if (config.Equals(previous.Config))
                {
                    PolicyLog.PolicyUnchanged(_logger, _source.Description, previous.Generation);
                    _metrics.Reloaded(PolicyReloadOutcome.Unchanged);
                    result = new PolicyReloadResult(PolicyReloadOutcome.Unchanged, previous, null);
                }
                else
                {
                    var next = new ActivePolicy(config, Build(_source, _factory, config, _logger), previous.Generation + 1, _options.TimeProvider.GetUtcNow());
                    Volatile.Write(ref _current, next);
                    if (config.Variant != previous.Config.Variant)
                    {
                        PolicyLog.VariantChanged(_logger, previous.Config.Variant.Name, config.Variant.Name, _source.Description);
                    }

                    PolicyLog.PolicyApplied(_logger, _source.Description, config.Variant.Name, config.Measurements.Count, next.Generation);
                    _metrics.Reloaded(PolicyReloadOutcome.Applied);
                    result = new PolicyReloadResult(PolicyReloadOutcome.Applied, next, null);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                PolicyLog.ReloadFailed(_logger, ex, _source.Description, previous.Generation, previous.Config.Variant.Name, ex.Message);
                _metrics.Failed();
                result = new PolicyReloadResult(PolicyReloadOutcome.Failed, previous, ex);
            }
        }
        finally
        {
            _reloadLock.Release();
        }

        ReloadCompleted?.Invoke(this, result);
        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _metrics.Dispose();
        _reloadLock.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void SignalChange() => _changes.Writer.TryWrite(true);

    /// <summary>Builds the validator of a policy; an empty policy is refused naming the source, or, when the factory allows it, logged.</summary>
    private static IAttestationValidator Build(IAttestationPolicySource source, AttestationValidatorFactory factory, AttestationConfig config, ILogger logger)
    {
        IAttestationValidator validator;
        try
        {
            validator = factory.Create(config);
        }
        catch (EmptyMeasurementsException ex) when (ex.Variant is not null)
        {
            throw new EmptyMeasurementsException(ex.Variant, $"policy from {source.Description}: {ex.Field}", ex.OptIn ?? nameof(AttestationValidatorFactory.AllowEmptyMeasurements));
        }

        if (config.Measurements.Count == 0 && config.Definition.RequiresMeasurements)
        {
            PolicyLog.NoMeasurementsAllowed(logger, source.Description, config.Variant.Name);
        }

        return validator;
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "The watch loop must survive a throwing event handler; the exception is logged.")]
    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    if (_options.PollInterval is { } poll)
                    {
                        wait.CancelAfter(poll);
                    }

                    try
                    {
                        await _changes.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                        await Task.Delay(_options.Debounce, _options.TimeProvider, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        // Poll interval elapsed without events: re-read anyway.
                    }
                }

                while (_changes.Reader.TryRead(out _))
                {
                    // Events that arrived during the debounce are covered by the read below.
                }

                await ReloadAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (stop.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            catch (Exception ex)
            {
                // Only a ReloadCompleted handler can throw here; watching must go on, so log it and keep looping.
                PolicyLog.ReloadHandlerFailed(_logger, ex, _source.Description);
            }
        }
    }
}
