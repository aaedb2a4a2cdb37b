// A small ASP.NET Core app as a consumer would write it: it serves over aTLS (attesting with the dummy variant), calls
// itself once through an aTLS HttpClient that validates every connection, prints the response and stops.
//
//   dotnet run                        serve, call itself once, stop (exit code 0 = attested and answered)
//   dotnet run -- --keep-running      keep serving after the call (Ctrl+C stops)
using System.Net;
using Constellation.Atls;
using Constellation.Atls.AspNetCore;
using Constellation.Atls.Http;
using Constellation.Attestation.Variants.Dummy;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
    kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseAtls(new AtlsOptions { Issuer = new DummyIssuer() })));

var app = builder.Build();
app.MapGet("/", () => "hello from an attested server");
await app.StartAsync();

var address = app.Urls.First().Replace("http://", "https://", StringComparison.Ordinal);
Console.WriteLine($"listening {address}");

using (var client = new HttpClient(new AtlsHttpMessageHandler(new AtlsOptions { Validators = [new DummyValidator()] })))
{
    var body = await client.GetStringAsync(new Uri(address + "/"));
    Console.WriteLine($"response: {body}");
    if (body != "hello from an attested server")
    {
        await app.StopAsync();
        return 1;
    }
}

if (args.Contains("--keep-running"))
{
    await app.WaitForShutdownAsync();
}
else
{
    await app.StopAsync();
}

return 0;
