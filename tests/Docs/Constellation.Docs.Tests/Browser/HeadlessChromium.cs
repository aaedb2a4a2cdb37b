using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Constellation.Docs.Tests.Browser;

/// <summary>
/// Debian's <c>chromium</c>, headless, with a fresh profile, no background traffic and DevTools on a loopback port it
/// picks itself. A missing browser fails the test (it is installed by <c>.ci/run</c>); it is never skipped.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly StringBuilder _output;

    private HeadlessChromium(Process process, DirectoryInfo profile, StringBuilder output, DevToolsConnection devTools)
    {
        _process = process;
        _profile = profile;
        _output = output;
        DevTools = devTools;
    }

    public DevToolsConnection DevTools { get; }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = FindOnPath("chromium");
        if (executable is null)
        {
            Assert.Fail("chromium is not installed: the documentation tests drive Debian's chromium (apt-get install chromium; .ci/run installs it)");
        }

        var profile = Directory.CreateTempSubdirectory("constellation-docs-chromium-");
        var info = new ProcessStartInfo(executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                     $"--user-data-dir={profile.FullName}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     "--window-size=1400,1000", "about:blank",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await WaitForDevToolsEndpointAsync(process, profile.FullName, output);
            using var connect = new CancellationTokenSource(StartTimeout);
            var devTools = await DevToolsConnection.ConnectAsync(endpoint, connect.Token);
            return new HeadlessChromium(process, profile, output, devTools);
        }
        catch
        {
            Stop(process);
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Opens a new tab (its own DevTools session) on <c>about:blank</c>.</summary>
    public async Task<BrowserPage> NewPageAsync()
    {
        var target = await DevTools.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await DevTools.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
        return new BrowserPage(DevTools, attached.GetProperty("sessionId").GetString()!);
    }

    /// <summary>What the browser printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DevTools.DisposeAsync();
        Stop(_process);
        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be closing a profile file; the temporary directory is cleaned up by the OS.
        }
    }

    private static async Task<Uri> WaitForDevToolsEndpointAsync(Process process, string profile, StringBuilder output)
    {
        // With --remote-debugging-port=0 Chromium writes the port it chose and the browser's path to this file.
        var file = Path.Combine(profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Fail($"chromium exited with code {process.ExitCode} before DevTools was ready:{Environment.NewLine}{Snapshot(output)}");
            }

            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file);
                if (lines.Length >= 2 && int.TryParse(lines[0], out var port))
                {
                    return new Uri($"ws://127.0.0.1:{port}{lines[1]}");
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail($"chromium did not open DevTools within {StartTimeout}:{Environment.NewLine}{Snapshot(output)}");
        throw new TimeoutException(); // not reached: Assert.Fail throws
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
