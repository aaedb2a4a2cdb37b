using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Constellation.Tests.Daemons;

namespace Constellation.Debugd.Tests;

/// <summary>
/// <c>constellation-debugd</c> as a process (the build output, run with <c>dotnet</c>) in a temporary directory with a
/// bootstrapper stand-in and an authorized key; <see cref="Address"/> is read from its "serving" log line (port 0).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class DebugdDaemon : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public DebugdDaemon()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("debugd-daemon-").FullName;
        File.WriteAllBytes(BootstrapperPath, Constellation.Cluster.Tests.Debugd.DebugdNode.Bootstrapper("v1"));
        File.SetUnixFileMode(BootstrapperPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(AuthorizedKeyPath, DeveloperKey.ExportSubjectPublicKeyInfoPem());
    }

    public static string DebugdDll => DaemonProcess.BuiltAssembly("Constellation.Debugd", "constellation-debugd");

    public string Directory { get; }

    public ECDsa DeveloperKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string BootstrapperPath => Path.Combine(Directory, "constellation-bootstrapper");

    public string AuthorizedKeyPath => Path.Combine(Directory, "debug-key.pub.pem");

    public DaemonProcess? Process { get; private set; }

    public string Address { get; private set; } = string.Empty;

    public string[] Args => ["--variant", "dummy", "--authorized-key", AuthorizedKeyPath, "--bootstrapper-path", BootstrapperPath, "--port", "0"];

    public async Task StartAsync()
    {
        Process = DaemonProcess.Start(DebugdDll, Args);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            var exited = Process.HasExited;
            if (Process.ErrorLines.Select(l => Serving().Match(l)).FirstOrDefault(m => m.Success) is { } match)
            {
                Address = match.Groups[1].Value;
                return;
            }

            if (exited)
            {
                throw new InvalidOperationException($"constellation-debugd exited with {Process.ExitCode} before it served; its log:\n{Process.Log}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"constellation-debugd did not serve within {Bound}; its log:\n{Process.Log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        DeveloperKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    [GeneratedRegex(@"debugd serving on (\S+):")]
    private static partial Regex Serving();
}
