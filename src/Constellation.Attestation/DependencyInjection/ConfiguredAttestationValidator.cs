using System;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants.Dummy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>
/// The validator that DI hands out: built from the options when the host starts (so a bad policy stops start-up),
/// instrumented, and updated in place when the policy file changes. Thread-safe.
/// </summary>
internal sealed class ConfiguredAttestationValidator : IAttestationValidator, IHostedService, IAsyncDisposable
{
    private readonly IOptions<ConstellationAttestationOptions> _options;
    private readonly AttestationValidatorFactory _factory;
    private readonly AttestationMetrics _metrics;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IMeterFactory? _meterFactory;
    private IAttestationValidator? _validator;
    private UpdateableAttestationValidator? _updateable;

    public ConfiguredAttestationValidator(
        IOptions<ConstellationAttestationOptions> options,
        AttestationValidatorFactory factory,
        AttestationMetrics metrics,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        _options = options;
        _factory = factory;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
    }

    public AttestationVariant Variant => Current.Variant;

    private IAttestationValidator Current => Volatile.Read(ref _validator)
        ?? throw new InvalidOperationException("The Constellation attestation validator is used before the host started; start the host (IHost.StartAsync) first.");

    public ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default) =>
        Current.ValidateAsync(document, nonce, cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var variant = _factory.Registry.Parse(options.Variant!).Variant;
        IAttestationValidator inner;
        if (variant == AttestationVariant.Dummy && string.IsNullOrEmpty(options.PolicyFile))
        {
            inner = new DummyValidator();
        }
        else
        {
            var source = new FileAttestationPolicySource(options.PolicyFile!, options.PolicyFileFormat, variant, _factory.Registry);
            _updateable = await UpdateableAttestationValidator.CreateAsync(
                source,
                _factory,
                new UpdateableValidatorOptions { WatchForChanges = options.WatchPolicyFile },
                _loggerFactory?.CreateLogger<UpdateableAttestationValidator>(),
                _meterFactory,
                cancellationToken).ConfigureAwait(false);
            inner = _updateable;
        }

        Volatile.Write(ref _validator, new InstrumentedAttestationValidator(inner, _metrics));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_updateable is not null)
        {
            await _updateable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
