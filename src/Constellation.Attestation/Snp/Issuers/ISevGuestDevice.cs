using System;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// The <c>SNP_GET_REPORT</c> ioctl of <c>/dev/sev-guest</c>, reduced to buffers so the report source can be tested
/// with a fake device.
/// </summary>
public interface ISevGuestDevice
{
    /// <summary>Sends an <c>snp_report_req</c> (96 bytes) and fills an <c>snp_report_resp</c> (4000 bytes).</summary>
    /// <param name="request">The request: user data (64), VMPL (u32 LE), 28 reserved zero bytes.</param>
    /// <param name="response">The response buffer (4000 bytes).</param>
    /// <param name="firmwareError">The firmware error code (exitinfo2 low half), 0 on success.</param>
    /// <returns>The ioctl's errno (0 on success).</returns>
    int GetReport(ReadOnlySpan<byte> request, Span<byte> response, out uint firmwareError);
}
