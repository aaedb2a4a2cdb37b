using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>
/// azure-trustedlaunch validation hooks: the AK certificate in InstanceInfo must chain via the sent CA to a
/// pinned root (the family's <see cref="AkCertificateChain"/>; the variant pins Microsoft's "ameroot" as upstream does,
/// <see cref="Config.BuiltInRoots.AzureAmeRootPem"/>), its key must be RSA (Azure's rule), and that key is the trusted AK. No CVM check. Thread-safe.
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
            throw new ArgumentException("azure-trustedlaunch needs at least one trusted root (Microsoft ameroot: AzureTrustedLaunchVariant.CreateAmeRoot())", nameof(trustedRoots));
        }

        _roots = trustedRoots;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = AzureTrustedLaunchInstanceInfo.Parse(context.InstanceInfo.Span);
        using var ak = AkCertificate.Parse(info.AkCertificate.Span, "Azure instance info.AkCert");
        using var ca = AkCertificate.LoadDer(info.CaCertificate.Span, "Azure instance info.CA");
        var chain = AkCertificateChain.Verify(ak, [ca], _roots, _time.GetUtcNow());

        // Azure's rule on top of the family's chain: the AK is an RSA key.
        using var rsa = chain.AkCertificate.GetRSAPublicKey()
            ?? throw new AttestationTrustException($"AK certificate \"{chain.AkCertificate.Subject}\": expected an RSA key, got {chain.AkCertificate.PublicKey.Oid.FriendlyName ?? chain.AkCertificate.PublicKey.Oid.Value}");
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(rsa.ExportSubjectPublicKeyInfo());
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
