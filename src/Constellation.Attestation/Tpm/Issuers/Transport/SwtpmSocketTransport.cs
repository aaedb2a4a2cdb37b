using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>
/// Talks to <c>swtpm socket --server type=tcp</c> (<see cref="ConnectAsync"/>) or <c>--server type=unixio</c>
/// (<see cref="ConnectUnixAsync"/>): the server socket carries plain TPM command and response bytes (no MS-simulator
/// framing), as tpm2-tools' <c>swtpm</c> TCTI uses it. Not thread-safe.
/// </summary>
/// <remarks>
/// swtpm serves one connection at a time: a second connection is accepted but not read until the first closes. When
/// several components of a process use the same swtpm, give them one <see cref="SharedTpmConnection"/> instead of a
/// connection each, or a component holding its connection while waiting on another deadlocks.
/// </remarks>
public sealed class SwtpmSocketTransport : ITpmTransport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly string _source;

    private SwtpmSocketTransport(Socket socket, string source)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _source = source;
    }

    /// <summary>Connects to a swtpm server port.</summary>
    /// <param name="host">The host, e.g. <c>127.0.0.1</c>.</param>
    /// <param name="port">The server (command) port.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The transport.</returns>
    /// <exception cref="TpmTransportException">The connection failed.</exception>
    public static async ValueTask<SwtpmSocketTransport> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new SwtpmSocketTransport(client.Client, $"swtpm {host}:{port}");
        }
        catch (SocketException ex)
        {
            client.Dispose();
            throw new TpmTransportException($"swtpm {host}:{port}: connect failed: {ex.Message}", ex);
        }
    }

    /// <summary>Connects to a swtpm server Unix socket (<c>swtpm socket --server type=unixio,path=…</c>).</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The transport.</returns>
    /// <exception cref="TpmTransportException">The connection failed.</exception>
    public static async ValueTask<SwtpmSocketTransport> ConnectUnixAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new SwtpmSocketTransport(socket, $"swtpm unix:{path}");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TpmTransportException($"swtpm unix:{path}: connect failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new TpmTransportException($"{_source}: sending the command failed: {ex.Message}", ex);
        }

        return await TpmFrame.ReadResponseAsync(_stream, _source, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
