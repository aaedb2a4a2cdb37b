using System.Globalization;
using Constellation.Attestation.Tpm;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>The real GCE vTPM vector VTPM-1 (shared/testdata/vtpm, MANIFEST.md).</summary>
internal static class GceVector
{
    public const string Prefix = "vtpm/gotpmtools-gce-cos-85-no-nonce";

    public static byte[] AkPublic => TestData.SharedBytes($"{Prefix}.ak_pub.tpmt_public.bin");

    public static byte[] AkCertificate => TestData.SharedBytes($"{Prefix}.ak_cert.der");

    public static byte[] EventLog => TestData.SharedBytes($"{Prefix}.event_log.bin");

    public static byte[] Protobuf => TestData.SharedBytes($"{Prefix}.pb");

    public static byte[] Attest(string bank) => TestData.SharedBytes($"{Prefix}.quote-{bank}.tpms_attest.bin");

    public static byte[] Signature(string bank) => TestData.SharedBytes($"{Prefix}.quote-{bank}.tpmt_signature.bin");

    public static Dictionary<int, byte[]> Pcrs(string bank) =>
        File.ReadAllLines(TestData.Shared($"{Prefix}.pcrs-{bank}.txt"))
            .Where(l => l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => int.Parse(p[0].Trim(), CultureInfo.InvariantCulture), p => Convert.FromHexString(p[1].Trim()));

    public static TpmAlgorithm BankOf(string bank) => bank switch
    {
        "sha1" => TpmAlgorithm.Sha1,
        "sha256" => TpmAlgorithm.Sha256,
        "sha384" => TpmAlgorithm.Sha384,
        _ => throw new ArgumentOutOfRangeException(nameof(bank)),
    };
}
