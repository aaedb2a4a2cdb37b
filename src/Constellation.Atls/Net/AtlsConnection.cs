using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace Constellation.Atls;

/// <summary>An authenticated aTLS connection: the TLS stream, ready for application data, and what was verified about the peer.</summary>
/// <remarks>Disposing closes the stream and releases this side's per-connection certificate.</remarks>
public sealed class AtlsConnection : IAsyncDisposable, IDisposable
{
    private readonly X509Certificate2? _localCertificate;

    internal AtlsConnection(SslStream stream, AtlsPeer? peer, X509Certificate2? localCertificate)
    {
        Stream = stream;
        Peer = peer;
        _localCertificate = localCertificate;
    }

    /// <summary>Gets the TLS stream.</summary>
    public SslStream Stream { get; }

    /// <summary>Gets what was verified about the peer, or <see langword="null"/> when this side does not verify the peer (a server without validators).</summary>
    public AtlsPeer? Peer { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Stream.Dispose();
        _localCertificate?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        _localCertificate?.Dispose();
    }
}
