using System.Net;
using System.Net.Sockets;
using Constellation.Tests.Daemons;

namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// <c>constellation atls probe</c> (a command of the full binary, so started through the front's hand-over) run as a
/// process against a loopback TCP peer that accepts and never answers the TLS handshake: once <see cref="StartAsync"/>
/// returns, the probe is known to be running and waiting (up to its own 60 s timeout). Dispose closes the connection,
/// kills what is still running and stops the peer.
/// </summary>
internal sealed class WaitingProbe : IAsyncDisposable
{
    private readonly TcpListener _silent;
    private readonly TcpClient _connection;

    private WaitingProbe(TcpListener silent, DaemonProcess process, TcpClient connection)
    {
        _silent = silent;
        Process = process;
        _connection = connection;
    }

    /// <summary>The probe's process.</summary>
    public DaemonProcess Process { get; }

    /// <summary>Starts the probe and returns once the silent peer has accepted its connection.</summary>
    /// <param name="bound">How long the probe may take to connect.</param>
    /// <returns>The waiting probe.</returns>
    public static async Task<WaitingProbe> StartAsync(TimeSpan bound)
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        DaemonProcess? probe = null;
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            probe = DaemonProcess.StartExecutable(CliRunner.Binary, ["atls", "probe", $"127.0.0.1:{port}", "--variant", "dummy"], name: "constellation atls probe");
            using var accept = new CancellationTokenSource(bound);
            var connection = await silent.AcceptTcpClientAsync(accept.Token);
            return new WaitingProbe(silent, probe, connection);
        }
        catch
        {
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }

            silent.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _connection.Dispose();
        await Process.DisposeAsync();
        _silent.Dispose();
    }
}
