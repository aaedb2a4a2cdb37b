// An ASP.NET Core service that serves over attested TLS on Kestrel and calls attested services through
// IHttpClientFactory, everything wired through dependency injection. It attests with the dummy variant (which proves
// nothing about hardware, so the sample runs anywhere), calls itself once through the aTLS client, prints the verdict
// and stops. Exit code 0 = the call was attested and answered, 1 = it was refused.
//
//   dotnet run                        serve, call itself once, stop
//   dotnet run -- --keep-running      keep serving after the call (Ctrl+C stops)
using System.Net;
using Constellation.Atls.DependencyInjection;
using Constellation.Attestation;
using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Variants.Dummy;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

// <server>
// This machine's issuer. A real service registers its variant's issuer (e.g. QemuVtpmVariant.CreateDeviceIssuer()).
builder.Services.AddSingleton<IAttestationIssuer>(new DummyIssuer());
// Every connection gets a fresh key and a certificate carrying a document bound to the client's nonce.
builder.Services.AddAtlsServer();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseAtls()));
// </server>

// <client>
// The validator for the services this one calls: the variant and policy file come from configuration (appsettings:
// "Constellation:Attestation"); dummy needs no policy file and is registered only because it is named.
builder.Services.AddConstellationAttestation(options => options.Variant = "dummy");
// A named HttpClient whose every new connection sends a fresh nonce and validates the server before the request.
builder.Services.AddAtlsClient("attested");
// </client>

var app = builder.Build();
app.MapGet("/", () => "hello from an attested server");
await app.StartAsync();

// Kestrel reports the endpoint as http://; the aTLS handler runs TLS itself on an https:// address.
var address = new Uri(app.Urls.First().Replace("http://", "https://", StringComparison.Ordinal));
Console.WriteLine($"listening {address}");

var exitCode = 0;
// <call>
var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("attested");
try
{
    var body = await http.GetStringAsync(address);
    Console.WriteLine($"server attested (dummy), response: {body}");
    Console.WriteLine("verdict: valid");
}
catch (HttpRequestException ex) when (ex.GetBaseException() is AttestationException refusal)
{
    // Attestation failures reach HttpClient callers wrapped; the typed exception says why.
    Console.WriteLine($"server refused: {refusal.GetType().Name}: {refusal.Message}");
    Console.WriteLine("verdict: rejected");
    exitCode = 1;
}
// </call>

if (args.Contains("--keep-running"))
{
    await app.WaitForShutdownAsync();
}
else
{
    await app.StopAsync();
}

return exitCode;
