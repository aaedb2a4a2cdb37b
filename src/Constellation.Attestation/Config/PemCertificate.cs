using System;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Config;

/// <summary>
/// A certificate in an attestation config (<c>amdRootKey</c>, <c>amdSigningKey</c>, <c>intelRootKey</c>):
/// one PEM <c>CERTIFICATE</c> block, checked to parse as X.509 when read.
/// </summary>
public sealed class PemCertificate : IEquatable<PemCertificate>
{
    private PemCertificate(string pem, ImmutableArray<byte> der)
    {
        Pem = pem;
        Der = der;
    }

    /// <summary>Gets the PEM text as it appeared in the config.</summary>
    public string Pem { get; }

    /// <summary>Gets the DER encoding of the certificate.</summary>
    public ImmutableArray<byte> Der { get; }

    /// <summary>Parses a PEM string holding exactly one certificate.</summary>
    /// <param name="field">The config field, for error messages.</param>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="AttestationFormatException">The text is not exactly one parseable PEM certificate.</exception>
    public static PemCertificate Parse(string field, string pem)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new AttestationFormatException($"{field}: expected a PEM CERTIFICATE block, got no PEM data");
        }

        var label = pem[fields.Label];
        if (!string.Equals(label, "CERTIFICATE", StringComparison.Ordinal))
        {
            throw new AttestationFormatException($"{field}: expected a PEM block of type CERTIFICATE, got \"{label}\"");
        }

        if (PemEncoding.TryFind(pem.AsSpan(fields.Location.End), out _))
        {
            throw new AttestationFormatException($"{field}: expected exactly one certificate, got more than one PEM block");
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"{field}: the PEM block is not a valid X.509 certificate: {ex.Message}", ex);
        }

        return new PemCertificate(pem, der.ToImmutableArray());
    }

    /// <summary>Loads the certificate. The caller disposes it.</summary>
    /// <returns>A new certificate object.</returns>
    public X509Certificate2 ToX509Certificate() => X509CertificateLoader.LoadCertificate(Der.AsSpan());

    /// <inheritdoc />
    public bool Equals(PemCertificate? other) => other is not null && Der.AsSpan().SequenceEqual(other.Der.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PemCertificate);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Der.AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>Returns the PEM text.</summary>
    /// <returns>The PEM.</returns>
    public override string ToString() => Pem;
}
