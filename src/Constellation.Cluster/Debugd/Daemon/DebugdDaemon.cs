using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Debugd.Daemon;

/// <summary>
/// <c>constellation-debugd</c> as a hosted service: opens the node's issuer (its TPM, or the dummy issuer), starts the
/// bootstrapper and serves debugd (<see cref="DebugdHost"/>). Stopping stops the service, then the bootstrapper, then
/// releases the TPM.
/// </summary>
internal sealed partial class DebugdDaemon(DebugdDaemonSettings settings, ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DebugdDaemon>();
    private NodeAttestation? _attestation;
    private DebugdHost? _host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _attestation = settings.NodeVariant.Create();
        _host = await DebugdHost.StartAsync(
            new DebugdOptions
            {
                Issuer = _attestation.Issuer,
                AuthorizedKeyPem = settings.AuthorizedKeyPem,
                BootstrapperPath = settings.BootstrapperPath,
                BootstrapperArguments = settings.BootstrapperArguments,
                ListenEndpoint = new IPEndPoint(settings.ListenAddress, settings.Port),
                MaxUploadBytes = settings.MaxUploadBytes,
                LogLines = settings.LogLines,
            },
            loggerFactory,
            cancellationToken).ConfigureAwait(false);
        LogServing(_logger, _host.Address, settings.Variant.Name, settings.Tpm ?? "none", _host.AuthorizedKeyFingerprint, _host.Status.ProcessId ?? 0);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
            _host = null;
        }

        if (_attestation is not null)
        {
            await _attestation.DisposeAsync().ConfigureAwait(false);
            _attestation = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "debugd serving on {Address}: variant {Variant}, TPM {Tpm}, authorized key {Key}; bootstrapper pid {Pid}")]
    private static partial void LogServing(ILogger logger, string address, string variant, string tpm, string key, int pid);
}
