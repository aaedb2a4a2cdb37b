using System;

namespace Constellation.Cluster.Vpn;

/// <summary>What the WireGuard interface reports about one peer (<c>wg show &lt;interface&gt; latest-handshakes</c> and <c>transfer</c>).</summary>
/// <param name="PublicKey">The peer's public key.</param>
/// <param name="LatestHandshake">When the last handshake with the peer completed, or <see langword="null"/> if none has.</param>
/// <param name="ReceivedBytes">Bytes received from the peer.</param>
/// <param name="SentBytes">Bytes sent to the peer.</param>
public sealed record WireGuardPeerStatus(string PublicKey, DateTimeOffset? LatestHandshake, long ReceivedBytes, long SentBytes);
