using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tpm.Collateral;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>What the AWS and GCP SNP issuers share: a VMPL-0 report over chosen REPORT_DATA, and certificates from the host's table as PEM.</summary>
internal static class SnpIssuing
{
    public static async Task<(SnpGuestReport Report, SnpCertificateTable Certificates)> GetReportAsync(
        ISnpReportSource source, ReadOnlyMemory<byte> reportData, string variant, CancellationToken cancellationToken)
    {
        var report = await source.GetReportAsync(reportData, 0, cancellationToken).ConfigureAwait(false);

        // The source checks this too; it is what the validator binds, so a source of our own must not get it wrong either.
        if (!report.Report.ReportData.SequenceEqual(reportData.Span) || report.Report.Vmpl != 0)
        {
            throw new AttestationBindingException($"{variant} issuing: the SEV-SNP report's REPORT_DATA and VMPL", $"{Convert.ToHexStringLower(reportData.Span)} at VMPL 0", $"{Convert.ToHexStringLower(report.Report.ReportData)} at VMPL {report.Report.Vmpl}");
        }

        var table = report.CertificateTable.IsEmpty ? SnpCertificateTable.Parse(new byte[24]) : SnpCertificateTable.Parse(report.CertificateTable.Span);
        return (report, table);
    }

    /// <summary>The PEM of a table entry, or empty when the host did not provide it.</summary>
    public static string PemOf(SnpCertificateTable table, Guid guid, string what)
    {
        if (!table.TryGet(guid, out var der))
        {
            return string.Empty;
        }

        using var certificate = AkCertificate.LoadDer(der.Span, what);
        return PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n";
    }
}
