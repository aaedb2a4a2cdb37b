namespace Constellation.Atls.AspNetCore;

/// <summary>
/// A Kestrel connection feature carrying what aTLS verified about the client. Available to connection middleware
/// and, through the connection features, to requests (<c>HttpContext.Features.Get&lt;IAtlsPeerFeature&gt;()</c>).
/// </summary>
public interface IAtlsPeerFeature
{
    /// <summary>Gets the verified client, or <see langword="null"/> when the listener does not validate clients.</summary>
    AtlsPeer? Peer { get; }
}

internal sealed class AtlsPeerFeature(AtlsPeer? peer) : IAtlsPeerFeature
{
    public AtlsPeer? Peer { get; } = peer;
}
