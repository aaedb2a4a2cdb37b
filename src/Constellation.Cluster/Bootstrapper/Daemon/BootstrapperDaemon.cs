using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// <c>constellation-bootstrapper</c> as a hosted service: opens the node's TPM (or the dummy issuer), its state disk
/// (created as a sparse image under the state directory if missing), runs a <see cref="BootstrapperHost"/> whose
/// membership starts the cluster services as a child process, and writes the status file on every change. Stopping
/// stops accepting, lets running calls finish, stops the child, closes the LUKS mapping it opened and releases the TPM.
/// </summary>
internal sealed partial class BootstrapperDaemon : IHostedService, IAsyncDisposable
{
    private readonly BootstrapperDaemonSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<BootstrapperDaemon> _logger;
    private readonly Lock _statusGate = new();
    private NodeAttestation? _attestation;
    private LuksStateDisk? _disk;
    private ProcessClusterMembership? _membership;
    private BootstrapperHost? _host;
    private int _stopped;
    private (BootstrapperState State, string? Error)? _logged;

    public BootstrapperDaemon(BootstrapperDaemonSettings settings, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<BootstrapperDaemon>();
    }

    private string StatusPath => Path.Combine(_settings.StateDirectory, BootstrapperStatusFile.FileName);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_settings.StateDirectory);
        if (StateDiskImage.CreateIfMissing(_settings.StateDisk, _settings.StateDiskSizeMiB))
        {
            LogImageCreated(_logger, _settings.StateDisk, _settings.StateDiskSizeMiB);
        }

        _attestation = _settings.NodeVariant.Create();
        var map = _settings.MapStateDisk ?? DeviceMapper.IsAvailable();
        _disk = await LuksStateDisk.OpenAsync(
            new LuksStateDiskOptions { DevicePath = _settings.StateDisk, MappingName = _settings.StateDiskMapping, MapAfterUnlock = map },
            cancellationToken).ConfigureAwait(false);
        _membership = new ProcessClusterMembership(_settings, _disk.Uuid, _attestation.Issuer, _loggerFactory, TimeProvider.System);
        _membership.Changed = () => WriteStatus(_host?.Status);

        var issuer = _attestation.Issuer;
        var attestedServer = new AtlsServerTransport(new AtlsOptions { Issuer = issuer });

        // Constellation's join client presents the node's attestation and does not verify the join service.
        var transports = new NodeTransports(attestedServer, NotServedHere.Instance, new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = issuer, AllowUnverifiedPeer = true }));
        var options = new BootstrapperHostOptions
        {
            NodeName = _settings.NodeName,
            StateDirectory = _settings.StateDirectory,
            ListenAddress = _settings.ListenAddress,
            InitPort = _settings.InitPort,
            VerifyGrpcPort = _settings.VerifyGrpcPort,
            VerifyHttpPort = _settings.VerifyHttpPort,
            RecoveryPort = _settings.RecoveryPort,
            ControlPlane = _settings.ControlPlane,
            ServeInit = _settings.ControlPlane,
            InitSecretHash = _settings.InitSecretHash,
            JoinRetryInterval = _settings.RetryInterval,
            VerifyOnAllAddresses = _settings.Vpn,
        };
        options.Rejoin.MaxRetryDelay = _settings.RetryInterval;
        options.Rejoin.InitialRetryDelay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _settings.RetryInterval.Ticks));
        LogStarting(_logger, _settings.NodeName, BuildVersion, _settings.Variant.Name, _settings.Tpm ?? "none", _disk.IsFormatted ? "a LUKS2 header" : "no LUKS2 header", map);
        _host = await BootstrapperHost.StartAsync(
            options,
            new BootstrapperHostServices(
                issuer, _attestation.Register, _disk, transports, new StaticJoinEndpointSource(_settings.JoinEndpoints), _membership, _loggerFactory, TimeProvider.System)
            {
                StatusChanged = WriteStatus,
            },
            cancellationToken).ConfigureAwait(false);
        WriteStatus(_host.Status);
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    /// <inheritdoc />
    /// <remarks>Idempotent: the host stops the service, the container disposes it.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        LogStopping(_logger, _settings.NodeName);
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        if (_membership is not null)
        {
            await _membership.DisposeAsync().ConfigureAwait(false);
        }

        if (_disk is not null)
        {
            try
            {
                await _disk.DisposeAsync().ConfigureAwait(false);
            }
            catch (StateDiskException ex)
            {
                LogCloseFailed(_logger, ex.Message);
            }
        }

        if (_attestation is not null)
        {
            await _attestation.DisposeAsync().ConfigureAwait(false);
        }

        LogStopped(_logger, _settings.NodeName);
    }

    private void WriteStatus(BootstrapperStatus? status)
    {
        if (status is null)
        {
            return;
        }

        lock (_statusGate)
        {
            try
            {
                BootstrapperStatusFile.Write(
                    StatusPath, status, _membership?.JoinEndpoint, _membership?.ProcessId,
                    new NodeNetworkStatus(_membership?.VpnAddress?.ToString(), _membership?.VpnPeers ?? 0, _membership?.IsEtcdMember ?? false));
            }
            catch (IOException ex)
            {
                LogStatusFailed(_logger, StatusPath, ex.Message);
            }

            // One line per state change (the file is rewritten for endpoint changes too).
            if (_logged != (status.State, status.Error))
            {
                _logged = (status.State, status.Error);
                var state = BootstrapperStatusFile.StateName(status.State);
                LogState(_logger, status.NodeName, state, status.Error ?? string.Empty);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "created the state disk image {Path} ({SizeMiB} MiB, sparse)")]
    private static partial void LogImageCreated(ILogger logger, string path, int sizeMiB);

    // The program's informational version (publish -p:InformationalVersion=…): which build a node runs, e.g. after debug deploy.
    private static string BuildVersion =>
        System.Reflection.Assembly.GetEntryAssembly()?.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), inherit: false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} starting (build {Build}): variant {Variant}, TPM {Tpm}, state disk with {Disk}, mapping {Map}")]
    private static partial void LogStarting(ILogger logger, string nodeName, string build, string variant, string tpm, string disk, bool map);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName}: {State} {Error}")]
    private static partial void LogState(ILogger logger, string nodeName, string state, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "writing {Path} failed: {Error}")]
    private static partial void LogStatusFailed(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} stopping")]
    private static partial void LogStopping(ILogger logger, string nodeName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "closing the state disk failed: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} stopped")]
    private static partial void LogStopped(ILogger logger, string nodeName);

    /// <summary>The join service runs in the cluster-services process, never in the bootstrapper.</summary>
    private sealed class NotServedHere : IServerTransport
    {
        public static readonly NotServedHere Instance = new();

        public string Description => "not served by the bootstrapper";

        public void Configure(ListenOptions listenOptions) =>
            throw new InvalidOperationException("the join service runs in constellation-cluster-services, not in the bootstrapper");
    }
}
