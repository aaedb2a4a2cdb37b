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
        var key = CreatePlatformKey();
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

    /// <summary>Creates a new P-256 key of the type the platform's X.509 and TLS code can use without copying it.</summary>
    /// <returns>The key (generated lazily by the platform on first use).</returns>
    internal static ECDsa CreatePlatformKey()
    {
        // On Linux ECDsa.Create returns a wrapper that X509Certificate2.CopyWithPrivateKey does not recognise, so it
        // exports the private scalar and re-imports it (with a full key check) for every certificate: about 115 µs
        // per handshake. An ECDsaOpenSsl key is attached by duplicating its EVP_PKEY handle instead.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        {
            return new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        }

        return ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }
}
