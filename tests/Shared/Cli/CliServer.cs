using System.Globalization;
using Constellation.Tests.Daemons;

namespace Constellation.Tests.Cli;

/// <summary>
/// A long-running command of the published CLI (<c>constellation atls serve …</c>) as a process: started, ready once it
/// prints <c>listening 127.0.0.1:P</c>, stopped with SIGTERM as an operator stops it. Dispose stops it if still running
/// and fails loudly when it did not exit 0 (a server that crashes or hangs on SIGTERM is a failure of the test).
/// </summary>
internal sealed class CliServer : IAsyncDisposable
{
    private const string ReadyPrefix = "listening 127.0.0.1:";

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private CliServer(DaemonProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    /// <summary>Gets the running process (its output and log so far).</summary>
    public DaemonProcess Process { get; }

    /// <summary>Gets the port on 127.0.0.1 the command printed.</summary>
    public int Port { get; }

    /// <summary>Starts <c>constellation &lt;args&gt;</c> and waits for its <c>listening 127.0.0.1:P</c> line.</summary>
    public static async Task<CliServer> StartAsync(params string[] args)
    {
        var process = DaemonProcess.StartExecutable(CliRunner.Binary, args, name: "constellation " + string.Join(' ', args.Take(2)));
        try
        {
            var line = await process.WaitForOutputLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), StartBound, $"\"{ReadyPrefix}P\"");
            return new CliServer(process, int.Parse(line.AsSpan(ReadyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit.</summary>
    /// <returns>The exit code.</returns>
    public Task<int> StopAsync() => Process.HasExited ? Task.FromResult(Process.ExitCode) : Process.StopAsync(StopBound);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            var exitCode = await StopAsync();
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"{Process.Name} exited with code {exitCode} on SIGTERM, expected 0; its log:\n{Process.Log}");
            }
        }
        finally
        {
            await Process.DisposeAsync();
        }
    }
}
