using System;
using System.Net.Security;
using System.Threading.Tasks;

namespace Constellation.Atls;

/// <summary>An authenticated aTLS connection: the TLS stream, ready for application data, and what was verified about the peer.</summary>
/// <remarks>Disposing closes the stream and releases this side's per-connection certificate.</remarks>
public sealed class AtlsConnection : IAsyncDisposable, IDisposable
{
    private readonly IDisposable? _localState;

    internal AtlsConnection(SslStream stream, AtlsPeer? peer, IDisposable? localState)
    {
        Stream = stream;
        Peer = peer;
        _localState = localState;
    }

    /// <summary>Gets the TLS stream.</summary>
    public SslStream Stream { get; }

    /// <summary>Gets what was verified about the peer, or <see langword="null"/> when this side does not verify the peer (a server without validators).</summary>
    public AtlsPeer? Peer { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Stream.Dispose();
        _localState?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        _localState?.Dispose();
    }
}
