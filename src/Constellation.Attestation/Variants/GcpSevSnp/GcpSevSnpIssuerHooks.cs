using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>
/// gcp-sev-snp issuing: the GCE AK and, as InstanceInfo, a VMPL-0 SEV-SNP report whose REPORT_DATA is
/// <c>extraData ‖ 32 zero bytes</c>, the VCEK (<c>ReportSigner</c>) and ASK (<c>CertChain</c>) from the host's certificate
/// table when it provides them, and the instance (<c>GCP</c>) from the metadata server. Thread-safe when the sources are.
/// </summary>
public sealed class GcpSevSnpIssuerHooks : IVtpmIssuerHooks
{
    private readonly ISnpReportSource _reports;
    private readonly GceMetadataClient _metadata;

    /// <summary>Creates the hooks.</summary>
    /// <param name="reports">Where SEV-SNP reports come from.</param>
    /// <param name="metadata">The GCE metadata client.</param>
    public GcpSevSnpIssuerHooks(ISnpReportSource reports, GceMetadataClient metadata)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(metadata);
        _reports = reports;
        _metadata = metadata;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        GceAttestationKey.LoadRsaAsync(tpm, GcpSevSnpVariant.Instance.Variant.Name, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        var variant = GcpSevSnpVariant.Instance.Variant.Name;
        var instance = await _metadata.GetInstanceInfoAsync(cancellationToken).ConfigureAwait(false);
        var (report, table) = await SnpIssuing.GetReportAsync(_reports, ExtraData.ReportData(extraData.Span), variant, cancellationToken).ConfigureAwait(false);
        var vcek = SnpIssuing.PemOf(table, SnpCertificateTable.VcekGuid, $"{variant} issuing: the VCEK in the host's certificate table");
        var ask = SnpIssuing.PemOf(table, SnpCertificateTable.AskGuid, $"{variant} issuing: the ASK in the host's certificate table");
        return SnpInstanceInfo.Create(report.Report.RawBytes, vcek, ask, gcp: instance).ToJson();
    }
}
