using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// A pinned ECDSA P-256 public key that signs measurement files. The upstream release and development keys are built in.
/// </summary>
/// <remarks>Immutable and safe to share; each verification imports the key into its own <see cref="ECDsa"/>.</remarks>
public sealed class MeasurementsPublicKey
{
    /// <summary>The upstream key for release images (ref <c>-</c>, stream <c>stable</c>).</summary>
    public const string ReleasePem =
        "-----BEGIN PUBLIC KEY-----\n"
        + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf8F1hpmwE+YCFXzjGtaQcrL6XZVT\n"
        + "JmEe5iSLvG1SyQSAew7WdMKF6o9t8e2TFuCkzlOhhlws2OHWbiFZnFWCFw==\n"
        + "-----END PUBLIC KEY-----\n";

    /// <summary>The upstream key for all other refs and streams (development builds).</summary>
    public const string DevelopmentPem =
        "-----BEGIN PUBLIC KEY-----\n"
        + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAELcPl4Ik+qZuH4K049wksoXK/Os3Z\n"
        + "b92PDCpM7FZAINQF88s1TZS/HmRXYk62UJ4eqPduvUnJmXhNikhLbMi6fw==\n"
        + "-----END PUBLIC KEY-----\n";

    private readonly byte[] _spki;

    private MeasurementsPublicKey(byte[] spki)
    {
        _spki = spki;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(spki));
    }

    /// <summary>Gets the upstream release key.</summary>
    public static MeasurementsPublicKey Release { get; } = FromPem(ReleasePem);

    /// <summary>Gets the upstream development key.</summary>
    public static MeasurementsPublicKey Development { get; } = FromPem(DevelopmentPem);

    /// <summary>Gets the lowercase hex SHA-256 of the DER SubjectPublicKeyInfo, for messages and logs.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the built-in key that signs an image's measurements: the release key for releases, else the development key.</summary>
    /// <param name="image">The image version.</param>
    /// <returns>The key.</returns>
    public static MeasurementsPublicKey ForImage(ImageVersion image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.IsRelease ? Release : Development;
    }

    /// <summary>Loads a PEM <c>PUBLIC KEY</c> (PKIX) that must be ECDSA on P-256.</summary>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AttestationFormatException">The text is not a PKIX ECDSA P-256 public key.</exception>
    public static MeasurementsPublicKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !string.Equals(pem[fields.Label], "PUBLIC KEY", StringComparison.Ordinal))
        {
            throw new AttestationFormatException("measurements public key: expected a PEM \"PUBLIC KEY\" block (PKIX)");
        }

        var spki = Convert.FromBase64String(pem[fields.Base64Data]);
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length)
            {
                throw new AttestationFormatException($"measurements public key: {spki.Length - read} trailing bytes after the key");
            }
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"measurements public key: expected an ECDSA P-256 key: {ex.Message}", ex);
        }

        var curve = ecdsa.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != "1.2.840.10045.3.1.7")
        {
            throw new AttestationFormatException($"measurements public key: expected curve P-256 (1.2.840.10045.3.1.7), got {curve.Oid.Value ?? curve.Oid.FriendlyName}");
        }

        return new MeasurementsPublicKey(spki);
    }

    /// <summary>Checks a DER ECDSA signature over SHA-256 of <paramref name="data"/>.</summary>
    /// <param name="data">The signed bytes.</param>
    /// <param name="derSignature">The ASN.1 DER signature.</param>
    /// <returns>Whether it verifies.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return ecdsa.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
