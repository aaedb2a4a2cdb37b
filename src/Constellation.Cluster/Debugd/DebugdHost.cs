using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// A running debug daemon: the supervised bootstrapper and the debugd gRPC service on server-attested aTLS (the node's
/// issuer) that admits only clients presenting the authorized debug key (a plain TLS client certificate carrying it).
/// A refused client is cut off after the handshake, before any RPC runs.
/// </summary>
/// <remarks>Thread safe. Dispose stops the service, then the bootstrapper (SIGTERM, then SIGKILL after the grace period).</remarks>
public sealed class DebugdHost : IAsyncDisposable
{
    private readonly ServiceHost _server;
    private readonly BootstrapperSupervisor _supervisor;

    private DebugdHost(ServiceHost server, BootstrapperSupervisor supervisor, string authorizedKey)
    {
        _server = server;
        _supervisor = supervisor;
        AuthorizedKeyFingerprint = authorizedKey;
    }

    /// <summary>Gets the bound endpoint.</summary>
    public IPEndPoint Endpoint => _server.Endpoint;

    /// <summary>Gets the bound endpoint as <c>host:port</c>.</summary>
    public string Address => _server.Address;

    /// <summary>Gets the fingerprint of the one key debugd serves (<see cref="DebugKeyFingerprint"/>).</summary>
    public string AuthorizedKeyFingerprint { get; }

    /// <summary>Gets what runs now.</summary>
    public DebugdStatus Status => _supervisor.Status;

    /// <summary>Starts the bootstrapper, then the service.</summary>
    /// <param name="options">What to serve and supervise.</param>
    /// <param name="loggerFactory">Receives the daemon's and the bootstrapper's lines.</param>
    /// <param name="cancellationToken">Cancels the start (what started is stopped).</param>
    /// <returns>The running daemon.</returns>
    /// <exception cref="DebugdException">The authorized key is no PEM public key.</exception>
    /// <exception cref="ClusterException">The bootstrapper did not start.</exception>
    public static async Task<DebugdHost> StartAsync(DebugdOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(options.Issuer);
        if (!Path.IsPathFullyQualified(options.BootstrapperPath))
        {
            throw new ArgumentException($"BootstrapperPath: expected an absolute path, got \"{options.BootstrapperPath}\"", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxUploadBytes, 1, nameof(options));
        var key = AuthorizedDebugKey.FromPem(options.AuthorizedKeyPem, "AuthorizedKey");
        var supervisor = new BootstrapperSupervisor(options, loggerFactory.CreateLogger<BootstrapperSupervisor>());
        try
        {
            await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
            var server = await ServiceHost.StartAsync(
                options.ListenEndpoint,
                new AtlsServerTransport(new AtlsOptions { Issuer = options.Issuer, ClientCertificateValidator = key }),
                loggerFactory,
                services => services.AddSingleton(supervisor).AddSingleton(options),
                app => app.MapGrpcService<DebugdServiceApi>(),
                cancellationToken).ConfigureAwait(false);
            return new DebugdHost(server, supervisor, key.Fingerprint);
        }
        catch
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        await _supervisor.DisposeAsync().ConfigureAwait(false);
    }
}
