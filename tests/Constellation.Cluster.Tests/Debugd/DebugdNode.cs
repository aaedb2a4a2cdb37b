using System.Net;
using System.Security.Cryptography;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Cluster.Debugd;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Debugd;

/// <summary>
/// A debug daemon in this process on a loopback port, supervising a real bootstrapper stand-in: a shell script that
/// prints its version on stdout and stderr and then sleeps (<see cref="Bootstrapper"/>). The authorized key is
/// <see cref="DeveloperKey"/>. Public API only, so the CLI tests link this file too.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DebugdNode : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private DebugdNode(string directory, DebugdHost host, ECDsa developerKey)
    {
        Directory = directory;
        Host = host;
        DeveloperKey = developerKey;
    }

    public string Directory { get; }

    public DebugdHost Host { get; }

    /// <summary>Gets the authorized debug key (its private key PEM is <see cref="DeveloperKeyPath"/>).</summary>
    public ECDsa DeveloperKey { get; }

    public string DeveloperKeyPath => Path.Combine(Directory, "debug-key.pem");

    public string BootstrapperPath => Path.Combine(Directory, "bin", "constellation-bootstrapper");

    public static async Task<DebugdNode> StartAsync(IAttestationIssuer issuer, long maxUploadBytes = DebugdOptions.DefaultMaxUploadBytes)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("debugd-").FullName;
        var developerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, "bin"));
            var path = Path.Combine(directory, "bin", "constellation-bootstrapper");
            await File.WriteAllBytesAsync(path, Bootstrapper("v1"));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(directory, "debug-key.pem"), developerKey.ExportPkcs8PrivateKeyPem());
            var host = await DebugdHost.StartAsync(
                new DebugdOptions
                {
                    Issuer = issuer,
                    AuthorizedKeyPem = developerKey.ExportSubjectPublicKeyInfoPem(),
                    BootstrapperPath = path,
                    BootstrapperArguments = ["--node-name", "debug-0"],
                    ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
                    MaxUploadBytes = maxUploadBytes,
                },
                NullLoggerFactory.Instance).WaitAsync(Bound);
            return new DebugdNode(directory, host, developerKey);
        }
        catch
        {
            developerKey.Dispose();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A bootstrapper stand-in: prints its version (on stdout, and on stderr with its arguments), then sleeps.</summary>
    public static byte[] Bootstrapper(string version) => Encoding.ASCII.GetBytes(
        $"#!/bin/sh\necho \"bootstrapper {version} running\"\necho \"bootstrapper {version} args: $*\" >&2\nexec sleep 600\n");

    /// <summary>A channel as the developer's tools open it: the node attested by <paramref name="validator"/>, the client certificate over <paramref name="key"/>.</summary>
    public GrpcChannel Channel(IAttestationValidator validator, ECDsa key, out IDisposable certificate)
    {
        var cert = DebugKeyCertificate.Create(key, DateTimeOffset.UtcNow);
        certificate = cert;
        return new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator], ClientCertificate = cert }).CreateChannel(Host.Address);
    }

    /// <summary>Waits until the kept output holds a line containing <paramref name="text"/>; returns the output so far.</summary>
    public static async Task<IReadOnlyList<string>> WaitForLogAsync(GrpcChannel channel, string text)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            var lines = new List<string>();
            await foreach (var line in DebugdClient.ReadLogsAsync(channel, follow: false, timeout.Token))
            {
                lines.Add($"{line.Stream}: {line.Text}");
            }

            if (lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return lines;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        DeveloperKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
