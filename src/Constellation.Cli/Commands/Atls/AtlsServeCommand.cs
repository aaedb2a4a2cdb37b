using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Atls.AspNetCore;
using Constellation.Attestation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cli.Commands.Atls;

/// <summary>
/// <c>constellation atls serve --variant v --port P [--mutual [--measurements file]] [--message text]</c>: an aTLS server
/// on 127.0.0.1:P, attested with any variant whose issuer runs on this machine (dummy always does), answering every
/// <c>GET /</c> with the message; prints <c>listening 127.0.0.1:P</c> when ready and runs until stopped.
/// </summary>
public static class AtlsServeCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var variant = new Option<string>("--variant") { Description = "Attestation variant to issue (one whose issuer runs on this machine; dummy always does).", Required = true };
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1, 0 to 65535 (0 picks a free one).", Required = true };
        IntegerOptions.Restrict(port, IPEndPoint.MinPort, IPEndPoint.MaxPort);
        var mutual = new Option<bool>("--mutual") { Description = "Also require an attested client certificate (mutual aTLS)." };
        var message = new Option<string>("--message") { Description = "The body of every GET / response.", DefaultValueFactory = _ => "hello" };
        var measurements = new Option<FileInfo?>("--measurements") { Description = "With --mutual: the clients' expected measurements (Constellation JSON or YAML)." };
        var command = new Command("serve", "Serve aTLS on 127.0.0.1, answering GET / with a message (the aTLS counterpart of openssl s_server).")
        {
            variant, port, mutual, message, measurements,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new ServeRequest(parse.GetValue(variant)!, parse.GetValue(port), parse.GetValue(mutual), parse.GetValue(message)!, parse.GetValue(measurements)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ServeRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (variantName, port, mutual, message, measurements) = request;
        using var variants = new CliVariants();
        AtlsOptions options;
        try
        {
            var variant = AtlsVariantSupport.ParseVariant(variantName);
            options = new AtlsOptions
            {
                Issuer = AtlsVariantSupport.CreateIssuer(variant, variants),
                Validators = mutual ? [AtlsVariantSupport.CreateValidator(variant, measurements is null ? null : AtlsVariantSupport.LoadMeasurements(measurements), variants)] : [],
            };
        }
        catch (Exception ex) when (ex is UnusableInputException or AttestationException or NotSupportedException or FormatException)
        {
            await error.WriteLineAsync($"error: {(ex is UnusableInputException unusable ? unusable.ToOneLine() : ex.Message)}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }

        using var issuer = options.Issuer as IDisposable;

        // The empty builder with Kestrel and one terminal handler: no routing, no configuration sources, no defaults the
        // trimmer would have to keep; about 2 MiB less of the Native AOT binary is mapped at every start of
        // `constellation`, whatever the command (benchmarks/RESULTS.md, CLI start-up).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseAtls(options);
        }));
        await using var app = builder.Build();
        var body = Encoding.UTF8.GetBytes(message);
        app.Run(context => Respond(context, body));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"error: cannot listen on 127.0.0.1:{port}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await output.WriteLineAsync($"listening 127.0.0.1:{address.Port}").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C / SIGTERM: stop gracefully.
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary><c>GET /</c> (and <c>HEAD /</c>) → 200 with the message; another path → 404; another method → 405.</summary>
    private static Task Respond(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        if (request.Path != "/")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private sealed record ServeRequest(string Variant, int Port, bool Mutual, string Message, FileInfo? Measurements);
}
