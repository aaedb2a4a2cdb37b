using System;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>What the guest obtained from the SEV-SNP firmware: the report and, if the host supplied one, the certificate table.</summary>
/// <remarks>Immutable; byte arrays are copied.</remarks>
public sealed class SnpGuestReport
{
    /// <summary>Creates a result.</summary>
    /// <param name="report">The parsed report.</param>
    /// <param name="certificateTable">The host-provided certificate table (GHCB extended report format), or empty.</param>
    public SnpGuestReport(SnpReport report, ReadOnlySpan<byte> certificateTable)
    {
        ArgumentNullException.ThrowIfNull(report);
        Report = report;
        CertificateTable = certificateTable.ToArray();
    }

    /// <summary>Gets the report.</summary>
    public SnpReport Report { get; }

    /// <summary>Gets the certificate table (VCEK/VLEK, ASK, ARK as DER, GUID-indexed), or empty.</summary>
    public ReadOnlyMemory<byte> CertificateTable { get; }
}
