using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>
/// azure-trustedlaunch validation hooks: the AK certificate in InstanceInfo must chain via the sent CA to a
/// configured root (upstream embeds Microsoft's "ameroot"; this library ships none — configure it), its key must be
/// RSA, and that key is the trusted AK. No CVM check. Thread-safe.
/// </summary>
public sealed class AzureTrustedLaunchHooks : IVtpmVariantHooks
{
    private readonly IReadOnlyList<X509Certificate2> _roots;
    private readonly TimeProvider _time;

    /// <summary>Creates the hooks.</summary>
    /// <param name="trustedRoots">The roots to pin (Microsoft "ameroot", subject <c>CN=ameroot, DC=AME, DC=GBL</c>); at least one.</param>
    /// <param name="timeProvider">The clock for certificate validity; <see langword="null"/> for the system clock.</param>
    public AzureTrustedLaunchHooks(IReadOnlyList<X509Certificate2> trustedRoots, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(trustedRoots);
        if (trustedRoots.Count == 0)
        {
            throw new ArgumentException("azure-trustedlaunch needs at least one trusted root (Microsoft ameroot); none is built in.", nameof(trustedRoots));
        }

        _roots = trustedRoots;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = AzureTrustedLaunchInstanceInfo.Parse(context.InstanceInfo.Span);
        using var ak = Load(info.AkCertificate.Span, "AkCert");
        using var ca = Load(info.CaCertificate.Span, "CA");
        CertificateChainVerifier.Verify([ak, ca], new CertificateChainPolicy { TrustedRoots = _roots, VerificationTime = _time.GetUtcNow() });
        using var rsa = ak.GetRSAPublicKey()
            ?? throw new AttestationTrustException($"AK certificate \"{ak.Subject}\": expected an RSA key, got {ak.PublicKey.Oid.FriendlyName ?? ak.PublicKey.Oid.Value}");
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(rsa.ExportSubjectPublicKeyInfo());
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private static X509Certificate2 Load(ReadOnlySpan<byte> der, string field)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"Azure instance info.{field}: expected a DER certificate: {ex.Message}", ex);
        }
    }
}
