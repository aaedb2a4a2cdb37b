using System.Net;
using Constellation.Atls.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Atls.Tests;

/// <summary>A Kestrel server on 127.0.0.1 (OS-assigned port) serving aTLS: <c>GET /</c> says hello and who the client was; <c>POST /echo.Echo/Unary</c> is a hand-framed gRPC echo.</summary>
internal sealed class AtlsKestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AtlsKestrelHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AtlsKestrelHost> StartAsync(AtlsOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseAtls(options);
            }));
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) =>
        {
            var peer = context.Features.Get<IAtlsPeerFeature>()?.Peer;
            return $"hello {context.Request.Protocol} client-attested={peer?.IsAttested ?? false}";
        });
        app.MapPost("/echo.Echo/Unary", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            await context.Response.Body.WriteAsync(body.ToArray());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new AtlsKestrelHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
