using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Variants.AzureTdx;

/// <summary>The real Azure TDX HCL report and builders for self-made HCL reports, runtime data and azure-tdx instance info.</summary>
internal static class AzureTdxEvidence
{
    public const int RealReportSize = 2436;
    public const int RealRuntimeDataSize = 1200;

    public static byte[] RealHclReport => TestData.EvidenceBytes("tdx/azure-tdx-hclreport.bin");

    /// <summary>HCL runtime data JSON in Azure's shape with <paramref name="ak"/> as keys[0].</summary>
    public static byte[] RuntimeData(RSA ak, string vmUniqueId = "test-vm")
    {
        var p = ak.ExportParameters(false);
        return Encoding.UTF8.GetBytes(
            $"{{\"keys\":[{{\"kid\":\"HCLAkPub\",\"key_ops\":[\"sign\"],\"kty\":\"RSA\",\"e\":\"{Base64Url.EncodeToString(p.Exponent)}\",\"n\":\"{Base64Url.EncodeToString(p.Modulus)}\"}}],"
            + $"\"vm-configuration\":{{\"console-enabled\":true,\"secure-boot\":true,\"tpm-enabled\":true,\"vmUniqueId\":\"{vmUniqueId}\"}},\"user-data\":\"\"}}");
    }

    /// <summary>An HCL report (layout of spec snp.md §8) whose TDREPORT REPORTDATA is SHA-256(runtimeData) ‖ 0³², plus NV padding.</summary>
    public static byte[] HclReport(byte[] runtimeData, uint reportType = 4, int padding = 0)
    {
        var size = 0x4D4 + runtimeData.Length;
        var report = new byte[size + padding];
        "HCLA"u8.CopyTo(report);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x04), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x08), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x0C), 2);
        report[0x20] = 0x81; // TDREPORT type: TDX
        RandomNumberGenerator.Fill(report.AsSpan(0x30, 16)); // CPUSVN and friends: anything
        SHA256.HashData(runtimeData).CopyTo(report, 0x20 + 0x80);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x4C0), (uint)(20 + runtimeData.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x4C4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x4C8), reportType);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x4CC), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(report.AsSpan(0x4D0), (uint)runtimeData.Length);
        runtimeData.CopyTo(report, 0x4D4);
        return report;
    }

    /// <summary>REPORTDATA binding the runtime data: SHA-256(runtimeData) ‖ 32 zero bytes.</summary>
    public static byte[] ReportData(byte[] runtimeData) => [.. SHA256.HashData(runtimeData), .. new byte[32]];
}

/// <summary>Serves one fixed collateral set.</summary>
internal sealed class FixedTdxCollateral(TdxCollateral collateral) : ITdxCollateralSource
{
    public int Calls { get; private set; }

    public Task<TdxCollateral> GetCollateralAsync(string fmspc, PckCaType caType, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(collateral);
    }
}
