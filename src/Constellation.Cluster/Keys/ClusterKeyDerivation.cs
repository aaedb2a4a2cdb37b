using System;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Cluster.Keys;

/// <summary>
/// The built-in cluster KMS key derivations (protocols.md §3): HKDF-SHA256 (RFC 5869), extract with the salt,
/// expand with an ASCII info string.
/// </summary>
/// <remarks>Pure functions; safe to call concurrently.</remarks>
public static class ClusterKeyDerivation
{
    /// <summary>The length of derived keys the hosts use (state disk key, measurement secret, cluster ID).</summary>
    public const int KeyLength = 32;

    /// <summary>The prefix every data-key id gets before it becomes the HKDF info.</summary>
    public const string DataKeyPrefix = "key-";

    /// <summary>The HKDF info of the cluster ID.</summary>
    public const string ClusterIdInfo = "key-clusterID";

    /// <summary>Derives <paramref name="length"/> bytes: HKDF-Extract(<paramref name="salt"/>, <paramref name="secret"/>) then Expand(<paramref name="info"/>).</summary>
    /// <param name="secret">The input keying material.</param>
    /// <param name="salt">The salt.</param>
    /// <param name="info">The ASCII info string.</param>
    /// <param name="length">The output length in bytes (1 … 8160).</param>
    /// <returns>The derived key.</returns>
    public static byte[] DeriveKey(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, string info, int length)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, output, salt, Encoding.ASCII.GetBytes(info));
        return output;
    }

    /// <summary>Derives the data encryption key for an id (<c>GetDEK(id)</c>): info is <c>"key-" + id</c>.</summary>
    /// <param name="masterSecret">The cluster's master secret and salt.</param>
    /// <param name="dataKeyId">The key: the measurement secret, the emergency SSH CA seed or a state disk's key.</param>
    /// <param name="length">The key length in bytes.</param>
    /// <returns>The derived key.</returns>
    public static byte[] DeriveDataKey(MasterSecret masterSecret, DataKeyId dataKeyId, int length)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        ArgumentNullException.ThrowIfNull(dataKeyId);
        return DeriveKey(masterSecret.Key.Span, masterSecret.Salt.Span, dataKeyId.HkdfInfo, length);
    }

    /// <summary>Derives the cluster ID: HKDF(measurement secret, measurement salt, <c>key-clusterID</c>, 32).</summary>
    /// <param name="measurementSecret">The measurement secret (32 bytes).</param>
    /// <param name="measurementSalt">The measurement salt.</param>
    /// <returns>The 32-byte cluster ID.</returns>
    public static byte[] DeriveClusterId(ReadOnlySpan<byte> measurementSecret, ReadOnlySpan<byte> measurementSalt) =>
        DeriveKey(measurementSecret, measurementSalt, ClusterIdInfo, KeyLength);
}
