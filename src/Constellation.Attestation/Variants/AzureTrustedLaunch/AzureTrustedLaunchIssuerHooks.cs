using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>
/// azure-trustedlaunch issuing: the AK Azure persists at <c>0x81000003</c>; as InstanceInfo the AK certificate from NV
/// index <c>0x01C101D0</c> (owner read) and the CA from the certificate's AIA URL. The certificate must certify the AK
/// before anything is sent: a mismatch would only fail at the validator. Thread-safe when the client is.
/// </summary>
public sealed class AzureTrustedLaunchIssuerHooks : IVtpmIssuerHooks
{
    private readonly AzureAkCaClient _ca;

    /// <summary>Creates the hooks.</summary>
    /// <param name="ca">Fetches the AK certificate's issuing CA.</param>
    public AzureTrustedLaunchIssuerHooks(AzureAkCaClient ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        _ca = ca;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        AzureAttestationKey.LoadAsync(tpm, AzureTrustedLaunchVariant.Instance.Variant.Name, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var what = $"azure-trustedlaunch issuing: NV index 0x{TpmHandles.AzureAkCertificate:x8}";
        byte[] stored;
        try
        {
            stored = await tpm.NvReadAsync(TpmHandles.AzureAkCertificate, TpmHandles.Owner, cancellationToken).ConfigureAwait(false);
        }
        catch (TpmCommandException ex) when (TpmHandleErrors.IsMissingHandle(ex))
        {
            throw new AttestationException($"{what} does not exist: Azure provisions the AK certificate there on Trusted Launch VMs", ex);
        }

        var der = NvCertificate.Trim(stored, what);
        var ak = await AzureAttestationKey.LoadAsync(tpm, AzureTrustedLaunchVariant.Instance.Variant.Name, cancellationToken).ConfigureAwait(false);
        using var certificate = AkCertificate.Parse(der, what);
        var akSpki = ak.Key.Public.ToSubjectPublicKeyInfo();
        if (!certificate.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(akSpki))
        {
            throw new AttestationBindingException($"{what}: the certificate's public key", Convert.ToHexStringLower(akSpki), Convert.ToHexStringLower(certificate.ExportSubjectPublicKeyInfo()));
        }

        var ca = await _ca.GetIssuingCaAsync(certificate.Certificate, cancellationToken).ConfigureAwait(false);
        return new AzureTrustedLaunchInstanceInfo(der, ca).ToJson();
    }
}
