using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>A <c>swtpm socket</c> process started for one mini-cluster node, as recorded in the state file.</summary>
/// <param name="Node">The node it belongs to.</param>
/// <param name="Pid">Its process ID.</param>
/// <param name="StartedUtc">Its start time, so a reused PID is never mistaken for it.</param>
/// <param name="Port">Its TPM command port on 127.0.0.1 (the control port is <c>Port + 1</c>).</param>
/// <param name="StateDirectory">Its temporary state directory.</param>
internal sealed record SwtpmInstance(string Node, int Pid, DateTime StartedUtc, int Port, string StateDirectory)
{
    public const string Executable = "swtpm";

    public const string Host = "127.0.0.1";

    /// <summary>Gets the TCTI string for tpm2-tools.</summary>
    public string Tcti => $"swtpm:host={Host},port={Port}";

    /// <summary>Finds swtpm: the given path, or on PATH and the usual directories.</summary>
    public static string? Find(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]);
        return directories.Select(d => Path.Combine(d, Executable)).FirstOrDefault(File.Exists);
    }

    /// <summary>Starts a fresh swtpm (new temporary state, free loopback ports) and waits until it accepts connections.</summary>
    /// <exception cref="IOException">swtpm could not be started.</exception>
    public static async Task<SwtpmInstance> StartAsync(string executable, string node, CancellationToken cancellationToken)
    {
        string? lastError = null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var port = FreePort();
            if (port >= 65535 || !IsFree(port + 1))
            {
                continue;
            }

            var state = Directory.CreateTempSubdirectory("constellation-mini-swtpm-").FullName;
            var info = new ProcessStartInfo(executable) { UseShellExecute = false };
            foreach (var argument in new[]
            {
                "socket", "--tpm2",
                "--tpmstate", $"dir={state}",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
                "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear",
                "--log", $"file={Path.Combine(state, "swtpm.log")}",
            })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info) ?? throw new IOException($"{executable} did not start");
            var instance = new SwtpmInstance(node, process.Id, process.StartTime.ToUniversalTime(), port, state);
            lastError = await WaitUntilReadyAsync(process, port, cancellationToken).ConfigureAwait(false);
            if (lastError is null)
            {
                return instance;
            }

            await instance.StopAsync().ConfigureAwait(false);
        }

        throw new IOException($"swtpm for {node} did not become ready: {lastError ?? "no free port pair"}");
    }

    /// <summary>Stops the process if it is still this swtpm (same PID and start time) and deletes its state directory.</summary>
    public async Task StopAsync()
    {
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (string.Equals(process.ProcessName, Executable, StringComparison.Ordinal)
                && (process.StartTime.ToUniversalTime() - StartedUtc).Duration() < TimeSpan.FromSeconds(2))
            {
                process.Kill();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (ArgumentException)
        {
            // Not running any more.
        }
        catch (InvalidOperationException)
        {
            // Exited between the lookup and the kill.
        }

        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    /// <summary>Gets a value indicating whether this swtpm process is still running.</summary>
    public bool IsRunning()
    {
        try
        {
            using var process = Process.GetProcessById(Pid);
            return !process.HasExited && string.Equals(process.ProcessName, Executable, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<string?> WaitUntilReadyAsync(Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                return $"swtpm exited with code {process.ExitCode}";
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (SocketException ex) when (DateTime.UtcNow < deadline)
            {
                _ = ex;
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                return ex.Message;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
