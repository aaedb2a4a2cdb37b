using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>Maps TPM hash algorithm identifiers to .NET hash functions.</summary>
public static class TpmHash
{
    /// <summary>Returns whether the algorithm is a hash this library can compute (SHA-1, SHA-256, SHA-384, SHA-512).</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns><see langword="true"/> for a supported hash.</returns>
    public static bool IsSupported(TpmAlgorithm algorithm) =>
        algorithm is TpmAlgorithm.Sha1 or TpmAlgorithm.Sha256 or TpmAlgorithm.Sha384 or TpmAlgorithm.Sha512;

    /// <summary>Gets the digest size of a hash algorithm.</summary>
    /// <param name="algorithm">The hash algorithm.</param>
    /// <returns>The digest size in bytes.</returns>
    /// <exception cref="AttestationFormatException">The algorithm is not a supported hash.</exception>
    public static int GetDigestSize(TpmAlgorithm algorithm) => algorithm switch
    {
        TpmAlgorithm.Sha1 => 20,
        TpmAlgorithm.Sha256 => 32,
        TpmAlgorithm.Sha384 => 48,
        TpmAlgorithm.Sha512 => 64,
        _ => throw Unsupported(algorithm),
    };

    /// <summary>Gets the .NET name of a hash algorithm.</summary>
    /// <param name="algorithm">The hash algorithm.</param>
    /// <returns>The .NET hash name.</returns>
    /// <exception cref="AttestationFormatException">The algorithm is not a supported hash.</exception>
    public static HashAlgorithmName GetName(TpmAlgorithm algorithm) => algorithm switch
    {
        TpmAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        TpmAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        TpmAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        TpmAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => throw Unsupported(algorithm),
    };

    /// <summary>Hashes data with a TPM hash algorithm.</summary>
    /// <param name="algorithm">The hash algorithm.</param>
    /// <param name="data">The data.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="AttestationFormatException">The algorithm is not a supported hash.</exception>
    public static byte[] Compute(TpmAlgorithm algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
#pragma warning disable CA5350 // SHA-1 PCR banks must be readable and replayable; trust decisions never rest on SHA-1.
        TpmAlgorithm.Sha1 => SHA1.HashData(data),
#pragma warning restore CA5350
        TpmAlgorithm.Sha256 => SHA256.HashData(data),
        TpmAlgorithm.Sha384 => SHA384.HashData(data),
        TpmAlgorithm.Sha512 => SHA512.HashData(data),
        _ => throw Unsupported(algorithm),
    };

    /// <summary>Gets the lowercase name used by tpm2-tools and the CLI (<c>sha256</c>), or the hex identifier for others.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The display name.</returns>
    public static string ToDisplayName(TpmAlgorithm algorithm) => algorithm switch
    {
        TpmAlgorithm.Sha1 => "sha1",
        TpmAlgorithm.Sha256 => "sha256",
        TpmAlgorithm.Sha384 => "sha384",
        TpmAlgorithm.Sha512 => "sha512",
        _ => $"0x{(ushort)algorithm:x4}",
    };

    private static AttestationFormatException Unsupported(TpmAlgorithm algorithm) =>
        new($"hash algorithm: expected sha1, sha256, sha384 or sha512, got 0x{(ushort)algorithm:x4}");
}
