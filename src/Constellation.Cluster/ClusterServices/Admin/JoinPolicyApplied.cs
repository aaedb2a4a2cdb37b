using System;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>What the admin API published.</summary>
/// <param name="Variant">The policy's variant.</param>
/// <param name="Digest">SHA-256 of the published <c>attestationConfig</c> JSON (32 bytes).</param>
public sealed record JoinPolicyApplied(string Variant, ReadOnlyMemory<byte> Digest)
{
    /// <summary>Gets the digest as lowercase hex.</summary>
    public string DigestHex => Convert.ToHexStringLower(Digest.Span);

    /// <inheritdoc />
    public override string ToString() => $"{Variant} join policy sha256:{DigestHex}";
}
