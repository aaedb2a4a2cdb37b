using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Policy;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.ClusterServices.Daemon;

/// <summary>
/// <c>constellation-cluster-services</c> as a hosted service: loads the join policy from the attestation config file
/// and watches it (a change applies to the next join without a restart; a bad update keeps the last good policy and
/// is logged), starts the key and join services (<see cref="ClusterServicesHost"/>), and writes
/// <c>status.json</c> (<c>{"pid","state":"serving","joinEndpoint","keyServiceEndpoint"}</c>) once both serve. When
/// started by a bootstrapper it stops as soon as that parent is gone, so no cluster services outlive their node.
/// </summary>
internal sealed partial class ClusterServicesDaemon : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ParentPoll = TimeSpan.FromMilliseconds(500);
    private readonly ClusterServicesDaemonSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ClusterServicesDaemon> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private JoinServiceValidators? _validators;
    private UpdateableAttestationValidator? _policy;
    private ClusterServicesHost? _services;
    private EtcdConnection? _store;
    private IAsyncDisposable? _replica;
    private Task _parentWatch = Task.CompletedTask;
    private int _stopped;

    public ClusterServicesDaemon(ClusterServicesDaemonSettings settings, ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime)
    {
        _settings = settings;
        _loggerFactory = loggerFactory;
        _lifetime = lifetime;
        _logger = loggerFactory.CreateLogger<ClusterServicesDaemon>();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_settings.ParentProcessId is { } parent)
        {
            if (ProcessSignals.ParentProcessId() != parent)
            {
                throw new ClusterException($"cluster services: expected to be started by process {parent}, whose exit stops them, got parent {ProcessSignals.ParentProcessId()}");
            }

            _parentWatch = Task.Run(() => WatchParentAsync(parent, _stopping.Token), CancellationToken.None);
        }

        _validators = JoinServiceValidators.Create(_settings.StateDirectory, _settings.Variant, _loggerFactory);
        var reload = new UpdateableValidatorOptions { PollInterval = _settings.PolicyPollInterval };
        var backends = ClusterServicesBackends.Files;
        if (_settings.StoreEndpoints.Count > 0)
        {
            // A replica on the cluster store: registry, policy and VPN peers are the store's, shared by every replica.
            using var etcdCa = await ClusterServicesState.ReadEtcdCaAsync(_settings.StateDirectory, cancellationToken).ConfigureAwait(false)
                ?? throw new ClusterException($"cluster services: expected the etcd CA in {_settings.StateDirectory}, got none");
            _store = EtcdConnection.Open(etcdCa, _settings.StoreEndpoints, TimeProvider.System.GetUtcNow());
            var source = new StoreJoinPolicy(_store.Store, _settings.Variant, _validators.Factory.Registry);
            _policy = await UpdateableAttestationValidator.CreateAsync(
                source, _validators.Factory, reload, _loggerFactory.CreateLogger<UpdateableAttestationValidator>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await source.WatchAsync(_policy, _stopping.Token).ConfigureAwait(false);
            backends = new ClusterServicesBackends(new StoreNodeNameRegistry(_store.Store), new StoreVpnPeerDirectory(_store.Store), new StoreBootstrapTokens(_store.Store));
        }
        else
        {
            _policy = await JoinServicePolicy.LoadValidatorAsync(
                _settings.AttestationConfig,
                _settings.Variant,
                _validators.Factory,
                reload,
                _loggerFactory.CreateLogger<UpdateableAttestationValidator>(),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _services = await ClusterServicesHost.StartAsync(
            _settings.Services, JoinServicePolicy.CreateTransport(_policy), admin: null, backends, _loggerFactory, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        if (_store is not null)
        {
            _replica = await new StoreReplicaRegistry(_store.Store).RegisterAsync(
                new StoreReplica(_settings.NodeName!, _services.JoinServiceAddress, _services.KeyServiceAddress), StoreReplicaRegistry.DefaultTtl, cancellationToken).ConfigureAwait(false);
        }

        WriteStatus(_services.JoinServiceAddress, _services.KeyServiceAddress);
        LogServing(_logger, _services.JoinServiceAddress, _services.KeyServiceAddress, _policy.Source.Description, _services.VpnApiAddress ?? "none");
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _parentWatch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (_replica is not null)
        {
            await _replica.DisposeAsync().ConfigureAwait(false);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }

        if (_policy is not null)
        {
            await _policy.DisposeAsync().ConfigureAwait(false);
        }

        _validators?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        LogStopped(_logger);
    }

    private async Task WatchParentAsync(int parent, CancellationToken cancellationToken)
    {
        while (ProcessSignals.ParentProcessId() == parent)
        {
            await Task.Delay(ParentPoll, cancellationToken).ConfigureAwait(false);
        }

        LogParentGone(_logger, parent);
        _lifetime.StopApplication();
    }

    private void WriteStatus(string joinEndpoint, string keyServiceEndpoint)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("state", "serving");
            json.WriteString("joinEndpoint", joinEndpoint);
            json.WriteString("keyServiceEndpoint", keyServiceEndpoint);
            json.WriteEndObject();
        }

        AtomicFile.Replace(_settings.StatusFile, stream.ToArray(), AtomicFile.Readable);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "join service at {JoinEndpoint} (policy {Policy}, watched), key service at {KeyEndpoint}, VPN API at {VpnApi}")]
    private static partial void LogServing(ILogger logger, string joinEndpoint, string keyEndpoint, string policy, string vpnApi);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the bootstrapper (pid {Parent}) is gone; stopping")]
    private static partial void LogParentGone(ILogger logger, int parent);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster services stopped")]
    private static partial void LogStopped(ILogger logger);
}
