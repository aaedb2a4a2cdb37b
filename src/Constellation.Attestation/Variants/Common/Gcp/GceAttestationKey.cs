using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>
/// go-tpm-tools' <c>GceAttestationKeyRSA</c>: the primary key of the endorsement hierarchy made from the template GCE's
/// firmware stores in NV index <c>0x01C10001</c>, with the AK certificate from NV index <c>0x01C10000</c> when GCE
/// provisioned one (sent as <c>ak_cert</c>). Transient: flushed after the quote.
/// </summary>
internal static class GceAttestationKey
{
    public static async ValueTask<VtpmIssuerKey> LoadRsaAsync(TpmClient tpm, string variant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        byte[] templateBytes;
        try
        {
            templateBytes = await tpm.NvReadAsync(TpmHandles.GceAkTemplateRsa, TpmHandles.Owner, cancellationToken).ConfigureAwait(false);
        }
        catch (TpmCommandException ex) when (TpmHandleErrors.IsMissingHandle(ex))
        {
            throw new AttestationException(
                $"{variant} issuing: the TPM has no NV index 0x{TpmHandles.GceAkTemplateRsa:x8}, where GCE's firmware stores the AK template (is this a GCE Shielded VM?)", ex);
        }

        TpmPublic template;
        try
        {
            template = TpmPublic.Parse(templateBytes);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{variant} issuing: NV index 0x{TpmHandles.GceAkTemplateRsa:x8} does not hold a TPMT_PUBLIC AK template: {ex.Message}", ex);
        }

        if (template.Type != TpmAlgorithm.Rsa)
        {
            throw new AttestationFormatException($"{variant} issuing: NV index 0x{TpmHandles.GceAkTemplateRsa:x8}: expected an RSA AK template, got {template.Type}");
        }

        var certificate = ReadOnlyMemory<byte>.Empty;
        try
        {
            certificate = NvCertificate.Trim(
                await tpm.NvReadAsync(TpmHandles.GceAkCertificateRsa, TpmHandles.Owner, cancellationToken).ConfigureAwait(false),
                $"{variant} issuing: NV index 0x{TpmHandles.GceAkCertificateRsa:x8}");
        }
        catch (TpmCommandException ex) when (TpmHandleErrors.IsMissingHandle(ex))
        {
            // GCE provisions the AK certificate only on some images; go-tpm-tools then sends none.
        }

        var key = await tpm.CreatePrimaryAsync(TpmHandles.Endorsement, template, cancellationToken).ConfigureAwait(false);
        return new VtpmIssuerKey(key, certificate, FlushAfterUse: true);
    }
}
