using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>
/// azure-sev-snp issuing: the HCL attestation key at <c>0x81000003</c>; as InstanceInfo the SEV-SNP report and runtime
/// data of the HCL report in NV index <c>0x01400001</c>, the VCEK and chain from THIM, and a MAA token when the VM's
/// <c>constellation-maa-url</c> tag names a MAA. Before anything is sent the HCL binding is checked as the validator
/// checks it: <c>SHA-256(runtime data) == REPORT_DATA[0:32]</c> and the runtime data's first key is the AK. Thread-safe
/// when the clients are.
/// </summary>
public sealed class AzureSevSnpIssuerHooks : IVtpmIssuerHooks
{
    private readonly AzureImdsClient _imds;
    private readonly IMaaTokenSource? _maa;

    /// <summary>Creates the hooks.</summary>
    /// <param name="imds">The Azure IMDS client (THIM, tags).</param>
    /// <param name="maa">Creates MAA tokens; <see langword="null"/> when none can be made (issuing then fails on a VM with a MAA URL tag).</param>
    public AzureSevSnpIssuerHooks(AzureImdsClient imds, IMaaTokenSource? maa = null)
    {
        ArgumentNullException.ThrowIfNull(imds);
        _imds = imds;
        _maa = maa;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        AzureAttestationKey.LoadAsync(tpm, AzureSevSnpVariant.Instance.Variant.Name, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var variant = AzureSevSnpVariant.Instance.Variant.Name;
        var hcl = AzureHclReport.Parse(await tpm.NvReadAsync(AzureHclReport.NvIndex, TpmHandles.Owner, cancellationToken).ConfigureAwait(false));
        hcl.RequireType(AzureHclReportType.Snp);
        var report = SnpReport.Parse(hcl.HardwareReport);
        var ak = await AzureAttestationKey.LoadAsync(tpm, variant, cancellationToken).ConfigureAwait(false);

        // Refuse to send a report that does not vouch for this AK: it would only fail at the validator.
        HclAttestationKeyBinding.Verify(hcl.RuntimeData, report.ReportData, "HCL report REPORT_DATA[0:32]", ak.Key.Public.ToSubjectPublicKeyInfo());

        var certificates = await _imds.GetThimCertificatesAsync(cancellationToken).ConfigureAwait(false);
        var maaToken = string.Empty;
        var maaUrl = await _imds.GetMaaUrlAsync(cancellationToken).ConfigureAwait(false);
        if (maaUrl.Length > 0)
        {
            if (!Uri.TryCreate(maaUrl, UriKind.Absolute, out var maa) || maa.Scheme != Uri.UriSchemeHttps)
            {
                throw new AttestationFormatException($"{variant} issuing: VM tag {AzureImdsClient.MaaUrlTag}: expected an https URL, got \"{maaUrl}\"");
            }

            maaToken = _maa is null
                ? throw new AttestationException($"{variant} issuing: VM tag {AzureImdsClient.MaaUrlTag} names {maa}, but this issuer has no MAA token source (VariantIssuerServices.MaaTokens); sending no token would hide that from the validator's MAAFallback")
                : await _maa.CreateTokenAsync(maa, extraData, tpm, cancellationToken).ConfigureAwait(false);
        }

        return SnpInstanceInfo.Create(report.RawBytes, certificates.VcekPem, certificates.CertificateChainPem, hcl.RuntimeData.ToArray(), maaToken).ToJson();
    }
}
