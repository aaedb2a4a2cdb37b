using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// Gets SEV-SNP reports through <c>/dev/sev-guest</c> (<c>SNP_GET_REPORT</c>): builds <c>snp_report_req</c>, checks the
/// <c>msg_report_rsp</c> status and size, and checks the report answers this request.
/// </summary>
/// <remarks>Thread-safe when the device is.</remarks>
public sealed class SevGuestDeviceReportSource : ISnpReportSource
{
    private const int RequestSize = 96;
    private const int ResponseSize = 4000;
    private const int ResponseHeaderSize = 32;

    private readonly ISevGuestDevice _device;

    /// <summary>Creates a source.</summary>
    /// <param name="device">The device, default <see cref="LinuxSevGuestDevice"/> at <c>/dev/sev-guest</c>.</param>
    public SevGuestDeviceReportSource(ISevGuestDevice? device = null)
    {
        _device = device ?? new LinuxSevGuestDevice();
    }

    /// <inheritdoc />
    public Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default)
    {
        SnpReportChecks.CheckRequest(reportData, vmpl);
        cancellationToken.ThrowIfCancellationRequested();
        var request = new byte[RequestSize];
        reportData.Span.CopyTo(request);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(64), vmpl);
        var response = new byte[ResponseSize];

        var errno = _device.GetReport(request, response, out var firmwareError);
        if (errno != 0 || firmwareError != 0)
        {
            throw new AttestationException(string.Create(CultureInfo.InvariantCulture,
                $"/dev/sev-guest SNP_GET_REPORT failed: errno {errno}, firmware error 0x{firmwareError:x}"));
        }

        var status = BinaryPrimitives.ReadUInt32LittleEndian(response);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(4));
        if (status != 0)
        {
            throw new AttestationException(string.Create(CultureInfo.InvariantCulture, $"SEV-SNP firmware refused the report request: status 0x{status:x}"));
        }

        if (size != SnpReport.Size)
        {
            throw new AttestationFormatException(string.Create(CultureInfo.InvariantCulture, $"SEV-SNP firmware returned a report of {size} bytes, expected {SnpReport.Size}"));
        }

        var report = SnpReportChecks.ParseAnswer(response.AsSpan(ResponseHeaderSize, SnpReport.Size), reportData, vmpl, "/dev/sev-guest");
        return Task.FromResult(new SnpGuestReport(report, []));
    }
}
