using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tpm.Collateral;

/// <summary>
/// An attestation-key certificate as vTPM evidence carries it: a DER X.509 certificate an issuer made for a TPM's
/// attestation key (azure-trustedlaunch: read from TPM NV index <c>0x01C101D0</c>; GCE: the attestation's <c>ak_cert</c>).
/// Parsing only: whether it chains to a trusted root and certifies the quoting AK is <see cref="Verify.AkCertificateChain"/>'s.
/// </summary>
/// <remarks>Owns the certificate; dispose it when done. Not thread-safe to dispose while in use.</remarks>
public sealed class AkCertificate : IDisposable
{
    private AkCertificate(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>Gets the certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Parses a DER AK certificate (its parts are decoded in full when <see cref="Verify.AkCertificateChain"/> verifies it).</summary>
    /// <param name="der">The DER encoding.</param>
    /// <param name="what">Names the certificate in errors, e.g. <c>Azure instance info.AkCert</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="AttestationFormatException">Not a DER X.509 certificate.</exception>
    public static AkCertificate Parse(ReadOnlySpan<byte> der, string what = "AK certificate")
    {
        ArgumentException.ThrowIfNullOrEmpty(what);
        return new AkCertificate(LoadDer(der, what));
    }

    /// <summary>Loads one DER certificate of an AK chain (the AK certificate or an issuing CA the evidence carries).</summary>
    /// <exception cref="AttestationFormatException">Not a DER X.509 certificate.</exception>
    internal static X509Certificate2 LoadDer(ReadOnlySpan<byte> der, string what)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"{what}: expected a DER certificate: {ex.Message}", ex);
        }
    }

    /// <summary>Gets the certified public key as a DER SubjectPublicKeyInfo.</summary>
    /// <returns>The SubjectPublicKeyInfo.</returns>
    public byte[] ExportSubjectPublicKeyInfo() => Certificate.PublicKey.ExportSubjectPublicKeyInfo();

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
