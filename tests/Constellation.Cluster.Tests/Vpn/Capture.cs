using System.Diagnostics;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>A tcpdump capture on one interface of a namespace, as text lines (<c>-nn -l</c>).</summary>
internal sealed class Capture : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;

    private Capture(Process process, Task<string> output)
    {
        _process = process;
        _output = output;
    }

    public static async Task<Capture> StartAsync(string ns, string device)
    {
        var process = UnderlayNetwork.StartIn(ns, "tcpdump", "-i", device, "-nn", "-l", "-U");
        var output = process.StandardOutput.ReadToEndAsync();

        // tcpdump reports "listening on <device>" on stderr once the capture runs.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardError.ReadLineAsync(bound.Token) is { } line)
        {
            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                _ = process.StandardError.ReadToEndAsync();
                return new Capture(process, output);
            }
        }

        throw new InvalidOperationException($"tcpdump on {device} in {ns} exited before it listened");
    }

    /// <summary>Stops the capture and returns every packet line.</summary>
    public async Task<string[]> StopAsync()
    {
        // Give the last packets a moment to be printed, then SIGTERM (tcpdump flushes and exits).
        await Task.Delay(500);
        ProcessSignals.Terminate(_process.Id);
        await _process.WaitForExitAsync();
        return (await _output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
