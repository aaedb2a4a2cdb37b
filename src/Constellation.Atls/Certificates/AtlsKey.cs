using System;
using System.Security.Cryptography;

namespace Constellation.Atls;

/// <summary>
/// A freshly generated P-256 key together with its DER SubjectPublicKeyInfo and the aTLS user data derived from it
/// (SHA-256 of that SPKI, spec §3). Used for exactly one certificate, then disposed.
/// </summary>
internal sealed class AtlsKey : IDisposable
{
    private AtlsKey(ECDsa key, byte[] subjectPublicKeyInfo)
    {
        Key = key;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        UserData = SHA256.HashData(subjectPublicKeyInfo);
    }

    /// <summary>Gets the private key.</summary>
    public ECDsa Key { get; }

    /// <summary>Gets the DER SubjectPublicKeyInfo of <see cref="Key"/>.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>Gets SHA-256 of <see cref="SubjectPublicKeyInfo"/>: what the attestation document must bind.</summary>
    public byte[] UserData { get; }

    /// <summary>Generates a new key (the expensive part: key generation and the SPKI export).</summary>
    /// <returns>The key.</returns>
    public static AtlsKey Generate()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            // Exporting forces the lazy key generation to happen now, off the handshake path when pooled.
            return new AtlsKey(key, key.ExportSubjectPublicKeyInfo());
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
