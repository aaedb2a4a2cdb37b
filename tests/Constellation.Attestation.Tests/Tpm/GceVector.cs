using System.Globalization;
using Constellation.Attestation.Tpm;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>The real GCE vTPM vector VTPM-1 (testdata/vtpm, MANIFEST.md).</summary>
internal static class GceVector
{
    public const string Prefix = "vtpm/gotpmtools-gce-cos-85-no-nonce";

    public static byte[] AkPublic => TestData.EvidenceBytes($"{Prefix}.ak_pub.tpmt_public.bin");

    public static byte[] AkCertificate => TestData.EvidenceBytes($"{Prefix}.ak_cert.der");

    public static byte[] EventLog => TestData.EvidenceBytes($"{Prefix}.event_log.bin");

    public static byte[] Protobuf => TestData.EvidenceBytes($"{Prefix}.pb");

    public static byte[] Attest(string bank) => TestData.EvidenceBytes($"{Prefix}.quote-{bank}.tpms_attest.bin");

    public static byte[] Signature(string bank) => TestData.EvidenceBytes($"{Prefix}.quote-{bank}.tpmt_signature.bin");

    public static Dictionary<int, byte[]> Pcrs(string bank) =>
        File.ReadAllLines(TestData.Evidence($"{Prefix}.pcrs-{bank}.txt"))
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
