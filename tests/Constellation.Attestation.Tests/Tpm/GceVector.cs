using System.Globalization;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Tests;
using EventLogEditor = Constellation.Attestation.Tests.Tpm.Verify.EventLog.EventLogEditor;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>The real GCE vTPM vector VTPM-1 (testdata/vtpm, MANIFEST.md).</summary>
internal static class GceVector
{
    public const string Prefix = "vtpm/gotpmtools-gce-cos-85-no-nonce";

    /// <summary>The log's EV_S_CRTM_VERSION event (PCR 0, "GCE Virtual Firmware v1" in UTF-16).</summary>
    public const int ScrtmSequence = 1;

    /// <summary>The log's GCE NonHostInfo event (PCR 0, "GCE NonHostInfo\0" then the technology byte, 1 = AMD SEV).</summary>
    public const int NonHostInfoSequence = 2;

    /// <summary>The offset of the technology byte in the NonHostInfo event data.</summary>
    public const int TechnologyOffset = 16;

    /// <summary>The log's PCR 0 EV_SEPARATOR event.</summary>
    public const int Pcr0SeparatorSequence = 13;

    public static byte[] AkPublic => TestData.EvidenceBytes($"{Prefix}.ak_pub.tpmt_public.bin");

    public static byte[] AkCertificate => TestData.EvidenceBytes($"{Prefix}.ak_cert.der");

    public static byte[] EventLog => TestData.EvidenceBytes($"{Prefix}.event_log.bin");

    /// <summary>
    /// The real log as the same firmware would write it on a VM that is not confidential: the NonHostInfo technology
    /// byte is 0 (none) and that event's digests are recomputed, so the log is honest and self-consistent.
    /// </summary>
    public static byte[] NonConfidentialEventLog
    {
        get
        {
            return EventLogEditor.Open(EventLog)
                .SetData(NonHostInfoSequence, NonHostInfoData(GceConfidentialTechnology.None))
                .Rehash(NonHostInfoSequence)
                .ToArray();
        }
    }

    /// <summary>The real NonHostInfo event data with another technology byte.</summary>
    public static byte[] NonHostInfoData(GceConfidentialTechnology technology)
    {
        var data = EventLogEditor.Open(EventLog).DataOf(NonHostInfoSequence);
        data[TechnologyOffset] = (byte)technology;
        return data;
    }

    /// <summary>S-CRTM version data as GCE firmware writes it: UTF-16LE text and a UTF-16 NUL.</summary>
    public static byte[] ScrtmData(string version) => [.. System.Text.Encoding.Unicode.GetBytes(version), 0, 0];

    public static byte[] Protobuf => TestData.EvidenceBytes($"{Prefix}.pb");

    public static byte[] Attest(string bank) => TestData.EvidenceBytes($"{Prefix}.quote-{bank}.tpms_attest.bin");

    public static byte[] Signature(string bank) => TestData.EvidenceBytes($"{Prefix}.quote-{bank}.tpmt_signature.bin");

    public static Dictionary<int, byte[]> Pcrs(string bank) =>
        File.ReadAllLines(TestData.Evidence($"{Prefix}.pcrs-{bank}.txt"))
            .Where(l => l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => int.Parse(p[0].Trim(), CultureInfo.InvariantCulture), p => Convert.FromHexString(p[1].Trim()));

    /// <summary>The real quote of a bank with its PCR values.</summary>
    public static TpmQuote Quote(string bank) => new(Attest(bank), Signature(bank), BankOf(bank), Pcrs(bank));

    public static TpmAlgorithm BankOf(string bank) => bank switch
    {
        "sha1" => TpmAlgorithm.Sha1,
        "sha256" => TpmAlgorithm.Sha256,
        "sha384" => TpmAlgorithm.Sha384,
        _ => throw new ArgumentOutOfRangeException(nameof(bank)),
    };
}
