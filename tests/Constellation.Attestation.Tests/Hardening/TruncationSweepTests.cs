using System.Text;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm;
using Constellation.Attestation.Tpm.EventLog;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Every proper prefix of every real structure in testdata fails its parser with a typed error, never another
/// exception type. Formats whose prefixes can be well-formed by design (a TCG event log cut at an event boundary) are
/// checked through the verification that uses them.
/// </summary>
public sealed class TruncationSweepTests
{
    public sealed record Input(string Name, Func<byte[]> Bytes, Action<byte[]> Parse, Type Expected)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<TestCaseData> Inputs()
    {
        var format = typeof(AttestationFormatException);
        var any = typeof(AttestationException);
        var list = new List<Input>
        {
            new("snp/azure-milan-vcek-report.bin", () => TestData.EvidenceBytes("snp/azure-milan-vcek-report.bin"), b => SnpReport.Parse(b), format),
            new("snp/aws-milan-vlek-report.bin", () => TestData.EvidenceBytes("snp/aws-milan-vlek-report.bin"), b => SnpReport.Parse(b), format),
            new("snp/constellation-vlek-report.bin", () => TestData.EvidenceBytes("snp/constellation-vlek-report.bin"), b => SnpReport.Parse(b), format),
            new("tdx/trimmed-quote-v4", () => TestData.EvidenceBytes("tdx/gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat"), b => TdxQuote.Parse(b), format),
            new("tdx/sample-quote-v5.dat", () => TestData.EvidenceBytes("tdx/sample-quote-v5.dat"), b => TdxQuote.Parse(b), format),
            new("tdx/collateral/tcb-info.json", () => TrimmedText(TestData.Evidence("tdx/collateral/tcb-info.json")), b => TdxTcbInfo.Parse(b), format),
            new("tdx/collateral/tcb-info-v5-sample.json", () => TrimmedText(TestData.Evidence("tdx/collateral/tcb-info-v5-sample.json")), b => TdxTcbInfo.Parse(b), format),
            new("tdx/collateral/qe-identity.json", () => TrimmedText(TestData.Evidence("tdx/collateral/qe-identity.json")), b => TdxQeIdentity.Parse(b), format),
            new("tdx/collateral/pck-crl.der", () => TestData.EvidenceBytes("tdx/collateral/pck-crl.der"), b => CertificateRevocationList.Parse(b), format),
            new("tdx/collateral/root-ca-crl.der", () => TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der"), b => CertificateRevocationList.Parse(b), format),
            new("tdx/collateral/pck-crl.der as SNP CRL", () => TestData.EvidenceBytes("tdx/collateral/pck-crl.der"), b => SnpRevocationList.Parse(b), any),
            new("vtpm/ak_pub.tpmt_public.bin", () => GceVector.AkPublic, b => TpmPublic.Parse(b), format),
            new("vtpm/event_log.bin (replayed against the SHA-256 quote)", EventLogBytes,
                b => TcgEventLog.Parse(b).VerifyAgainst(TpmAlgorithm.Sha256, GceVector.Pcrs("sha256")), any),
        };
        foreach (var bank in new[] { "sha1", "sha256", "sha384" })
        {
            list.Add(new($"vtpm/quote-{bank}.tpms_attest.bin", () => GceVector.Attest(bank), b => TpmAttest.Parse(b), format));
            list.Add(new($"vtpm/quote-{bank}.tpmt_signature.bin", () => GceVector.Signature(bank), b => TpmSignature.Parse(b), format));
        }

        foreach (var file in Directory.GetFiles(TestData.Evidence("."), "*.der", SearchOption.AllDirectories).Where(f => !f.EndsWith("crl.der", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(TestData.Evidence("."), file);
            list.Add(new(relative, () => File.ReadAllBytes(file), b => PemCertificates.LoadDer(b, relative), format));
        }

        foreach (var file in Directory.GetFiles(TestData.Evidence("."), "*.pem", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(TestData.Evidence("."), file);
            var count = Pem.DerBlocks(File.ReadAllText(file)).Count;
            list.Add(new(relative + " (DER of every certificate)", () => File.ReadAllBytes(file), b => ParseEveryCertificateCut(b, relative), format));
            list.Add(new(relative + " (PEM text)", () => TrimmedText(file), b => PemCertificates.ParseChain(b, count, relative), format));
        }

        return list.Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));
    }

    private static readonly Func<byte[]> EventLogBytes = () => GceVector.EventLog;

    [TestCaseSource(nameof(Inputs))]
    public void Every_truncation_length_fails_with_a_typed_error(Input structure)
    {
        var bytes = structure.Bytes();
        structure.Parse(bytes); // the whole structure parses: the baseline

        var outcome = new SweepOutcome(structure.Expected);
        if (structure.Name.EndsWith("(DER of every certificate)", StringComparison.Ordinal))
        {
            structure.Parse(bytes);
            foreach (var der in Pem.DerBlocks(Encoding.ASCII.GetString(bytes)))
            {
                var cuts = TamperSweep.Truncate<AttestationFormatException>(der, prefix => PemCertificates.LoadDer(prefix, structure.Name));
                cuts.ShouldRejectEverything(structure.Name);
            }

            return;
        }

        outcome = structure.Expected == typeof(AttestationFormatException)
            ? TamperSweep.Truncate<AttestationFormatException>(bytes, structure.Parse)
            : TamperSweep.Truncate<AttestationException>(bytes, structure.Parse);
        if (structure.Bytes == EventLogBytes)
        {
            // A log cut right after its Spec ID header holds no events and so touches no PCR: it is well-formed and
            // claims nothing (PCR values always come from the signed quote). Any other cut must fail.
            outcome.Untyped.Should().BeEmpty();
            foreach (var label in outcome.Accepted)
            {
                var length = int.Parse(label.AsSpan("length ".Length), System.Globalization.CultureInfo.InvariantCulture);
                TcgEventLog.Parse(bytes.AsSpan(0, length)).Events.Should().BeEmpty($"the accepted cut at {length} bytes must be the bare header");
            }

            outcome.Accepted.Should().HaveCount(1);
            return;
        }

        outcome.ShouldRejectEverything(structure.Name);
    }

    private static void ParseEveryCertificateCut(byte[] pem, string what)
    {
        foreach (var der in Pem.DerBlocks(Encoding.ASCII.GetString(pem)))
        {
            PemCertificates.LoadDer(der, what);
        }
    }

    /// <summary>The text without trailing whitespace, so that every shorter prefix really cuts into the structure.</summary>
    private static byte[] TrimmedText(string file) => Encoding.ASCII.GetBytes(File.ReadAllText(file).TrimEnd());
}
