using System;
using System.Globalization;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>Checks shared by the report sources.</summary>
internal static class SnpReportChecks
{
    public static void CheckRequest(ReadOnlyMemory<byte> reportData, uint vmpl)
    {
        if (reportData.Length != 64)
        {
            throw new ArgumentException($"report data must be exactly 64 bytes, got {reportData.Length}", nameof(reportData));
        }

        if (vmpl > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(vmpl), vmpl, "VMPL must be 0..3");
        }
    }

    /// <summary>Parses the returned report and checks it answers this request (not a stale or foreign one).</summary>
    public static SnpReport ParseAnswer(ReadOnlySpan<byte> bytes, ReadOnlyMemory<byte> reportData, uint vmpl, string source)
    {
        SnpReport report;
        try
        {
            report = SnpReport.Parse(bytes);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{source} returned a malformed report: {ex.Message}", ex);
        }

        if (!report.ReportData.SequenceEqual(reportData.Span))
        {
            throw new AttestationBindingException("REPORT_DATA", Convert.ToHexStringLower(reportData.Span), Convert.ToHexStringLower(report.ReportData));
        }

        if (report.Vmpl != vmpl)
        {
            throw new AttestationBindingException("VMPL", vmpl.ToString(CultureInfo.InvariantCulture), report.Vmpl.ToString(CultureInfo.InvariantCulture));
        }

        return report;
    }
}
