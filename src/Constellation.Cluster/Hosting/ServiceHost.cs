using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// One running Kestrel server hosting gRPC services (and optionally plain HTTP handlers) on a single endpoint.
/// Binding to port 0 picks a free port; <see cref="Endpoint"/> reports the one bound.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceHost(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>Gets the bound endpoint.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Gets the bound endpoint as <c>host:port</c>.</summary>
    public string Address => Endpoint.ToString();

    /// <summary>Gets the host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts a server.</summary>
    /// <param name="endpoint">Where to listen; port 0 picks a free port.</param>
    /// <param name="transport">The transport security of the endpoint.</param>
    /// <param name="loggerFactory">The logger factory the services log to.</param>
    /// <param name="configureServices">Registers the services' dependencies.</param>
    /// <param name="map">Maps gRPC services and HTTP handlers.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<ServiceHost> StartAsync(
        IPEndPoint endpoint,
        IServerTransport transport,
        ILoggerFactory loggerFactory,
        Action<IServiceCollection> configureServices,
        Action<WebApplication> map,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(map);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);

        // Embedded in a process that owns its lifetime: no console lifetime of its own (which would take SIGTERM and
        // Ctrl+C and print start-up banners); the owner stops this server in order.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddGrpc(options =>
        {
            // Errors are mapped to status messages deliberately; never leak exception details.
            options.EnableDetailedErrors = false;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, transport.Configure);
        });
        configureServices(builder.Services);
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a)).First();
        return new ServiceHost(app, new IPEndPoint(endpoint.Address, bound.Port));
    }

    /// <summary>Stops the server.</summary>
    /// <param name="cancellationToken">Aborts a graceful stop.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A lifetime that leaves signals and shutdown to the process that embeds the server.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
