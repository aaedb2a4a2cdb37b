using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Constellation.Tests.Swtpm;

/// <summary>
/// A real <c>swtpm socket</c> TPM 2.0 simulator on loopback with a temporary state directory, started with
/// <c>--flags not-need-init,startup-clear</c> (ready for commands). The server port speaks plain TPM command bytes
/// (what tpm2-tools' <c>swtpm</c> TCTI uses). Dispose to stop it and delete its state. BCL only: this file is
/// compiled into every test project.
/// </summary>
/// <remarks>
/// swtpm serves one connection at a time: close a client before another tool (e.g. tpm2-tools) connects.
/// Fails loudly (<see cref="InvalidOperationException"/>) when swtpm is not installed; never skips.
/// </remarks>
internal sealed class SwtpmProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _stateDirectory;

    private SwtpmProcess(Process process, string stateDirectory, int port, int controlPort)
    {
        _process = process;
        _stateDirectory = stateDirectory;
        Port = port;
        ControlPort = controlPort;
    }

    /// <summary>Gets the loopback host.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>Gets the TPM command (server) port.</summary>
    public int Port { get; }

    /// <summary>Gets the control-channel port.</summary>
    public int ControlPort { get; }

    /// <summary>Gets the TCTI string for tpm2-tools (<c>-T</c> or <c>TPM2TOOLS_TCTI</c>); the control port is <see cref="Port"/> + 1.</summary>
    public string Tcti => $"swtpm:host={Host},port={Port}";

    /// <summary>Starts a fresh swtpm (new state directory, OS-chosen free ports) and waits until it accepts connections.</summary>
    public static async Task<SwtpmProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable("swtpm")
            ?? throw new InvalidOperationException("swtpm is not installed (apt-get install swtpm swtpm-tools; .ci/run installs it); this test needs a real TPM simulator");
        Exception? last = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // tpm2-tools' swtpm TCTI expects the control channel on the server port + 1.
            var port = FreePort();
            var controlPort = port + 1;
            if (controlPort > 65535 || !IsFree(controlPort))
            {
                continue;
            }

            var state = Directory.CreateTempSubdirectory("swtpm-").FullName;
            var info = new ProcessStartInfo(executable)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "socket", "--tpm2",
                "--tpmstate", $"dir={state}",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
                "--ctrl", $"type=tcp,port={controlPort},bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear",
            })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("swtpm did not start");
            var swtpm = new SwtpmProcess(process, state, port, controlPort);
            try
            {
                await swtpm.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                return swtpm;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                last = ex;
                await swtpm.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException("swtpm did not become ready after 20 attempts", last);
    }

    /// <summary>Finds an executable on PATH (or the usual sbin/bin directories).</summary>
    public static string? FindExecutable(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in path.Concat(["/usr/bin", "/usr/sbin", "/bin", "/usr/local/bin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_stateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory left behind is harmless.
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

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                var error = await _process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"swtpm exited with code {_process.ExitCode}: {error.Trim()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Host, Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
