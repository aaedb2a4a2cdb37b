using System.Diagnostics;
using System.Text;

namespace Constellation.Atls.Interop.Tests;

/// <summary>Builds the stdlib-only Go aTLS peer in tests/Interop/go-atls with Debian's Go 1.19 and runs it.</summary>
internal static class GoPeer
{
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // Found from the test binaries: CI builds map source paths away, so [CallerFilePath] would not point into the checkout.
    public static string SourceDirectory() => Constellation.Tests.TestData.Repository(Path.Combine("tests", "Interop", "go-atls"));

    public static string Path_ => Binary.Value;

    public static async Task<(int ExitCode, string Output)> RunClientAsync(params string[] args)
    {
        using var process = Start(["client", .. args]);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Bound);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }

    public static async Task<GoServer> StartServerAsync(params string[] args)
    {
        var process = Start(["server", "-addr", "127.0.0.1:0", .. args]);
        using var cts = new CancellationTokenSource(Bound);
        var first = await process.StandardOutput.ReadLineAsync(cts.Token)
            ?? throw new InvalidOperationException($"go-atls server exited: {await process.StandardError.ReadToEndAsync(cts.Token)}");
        if (!first.StartsWith("listening 127.0.0.1:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"go-atls server: unexpected first line \"{first}\"");
        }

        return new GoServer(process, int.Parse(first.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo(Binary.Value) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start go-atls");
    }

    private static string Build()
    {
        var go = FindGo();
        var output = Path.Combine(AppContext.BaseDirectory, "go-atls");
        var info = new ProcessStartInfo(go, ["build", "-o", output, "."])
        {
            WorkingDirectory = SourceDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No network, no module downloads: the peer uses the standard library only.
        info.Environment["GOFLAGS"] = "-mod=mod";
        info.Environment["GOPROXY"] = "off";
        info.Environment["GOTOOLCHAIN"] = "local";
        info.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "constellation-go-atls-cache");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            throw new InvalidOperationException("go build of the aTLS peer did not finish within 5 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"go build of the aTLS peer failed ({process.ExitCode}): {stdout}{stderr}");
        }

        return output;
    }

    private static string FindGo()
    {
        var candidates = new List<string> { "/usr/lib/go-1.19/bin/go" };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Where(d => d.Length > 0).Select(d => Path.Combine(d, "go")));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "the Go toolchain is required for the aTLS interop tests and was not found (looked in /usr/lib/go-1.19/bin and PATH); install Debian's golang-1.19 (.ci/run does)");
    }
}

/// <summary>A running Go aTLS server; disposing kills it. Its stdout lines (verification results) are collected.</summary>
internal sealed class GoServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _lines = new();
    private readonly Task _pump;

    public GoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _pump = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.AppendLine(line);
                }
            }
        });
    }

    public int Port { get; }

    public Uri Address => new($"https://127.0.0.1:{Port}/");

    public async Task<string> WaitForLineAsync(string fragment)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (_lines)
            {
                if (_lines.ToString().Contains(fragment, StringComparison.Ordinal))
                {
                    return _lines.ToString();
                }
            }

            await Task.Delay(20, cts.Token);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _pump.Wait(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
