using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AwsSevSnp;

/// <summary>
/// aws-sev-snp issuing: go-tpm-tools' RSA AK and, as InstanceInfo, a VMPL-0 SEV-SNP report whose REPORT_DATA is
/// SHA-512 of the AK's DER SubjectPublicKeyInfo, with the VLEK from the host's certificate table as <c>ReportSigner</c>
/// (PEM) and no <c>CertChain</c>, as the Go issuer sends it. Thread-safe when the report source is.
/// </summary>
public sealed class AwsSevSnpIssuerHooks : IVtpmIssuerHooks
{
    private readonly ISnpReportSource _reports;

    /// <summary>Creates the hooks.</summary>
    /// <param name="reports">Where SEV-SNP reports come from (e.g. <see cref="ConfigFsTsmReportSource"/>).</param>
    public AwsSevSnpIssuerHooks(ISnpReportSource reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        _reports = reports;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        return GoTpmToolsAttestationKey.LoadRsaAsync(tpm, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);

        // The same AK the issuer quotes with (deterministic), as upstream loads it a second time.
        var ak = await GoTpmToolsAttestationKey.LoadRsaAsync(tpm, cancellationToken).ConfigureAwait(false);
        byte[] spki;
        try
        {
            spki = ak.Key.Public.ToSubjectPublicKeyInfo();
        }
        finally
        {
            if (ak.FlushAfterUse)
            {
                await tpm.FlushContextAsync(ak.Key.Handle, CancellationToken.None).ConfigureAwait(false);
            }
        }

        var variant = AwsSevSnpVariant.Instance.Variant.Name;
        var (report, table) = await SnpIssuing.GetReportAsync(_reports, SHA512.HashData(spki), variant, cancellationToken).ConfigureAwait(false);
        var vlek = SnpIssuing.PemOf(table, SnpCertificateTable.VlekGuid, $"{variant} issuing: the VLEK in the host's certificate table");
        if (vlek.Length == 0)
        {
            throw new AttestationException($"{variant} issuing: the host's certificate table has no VLEK (GUID {SnpCertificateTable.VlekGuid}); AWS provides it with every extended report");
        }

        return SnpInstanceInfo.Create(report.Report.RawBytes, vlek, string.Empty).ToJson();
    }
}
