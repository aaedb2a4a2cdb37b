using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Fuzz;

/// <summary>One seed input for a target.</summary>
/// <param name="Target">The target name.</param>
/// <param name="Name">A file name for the seed.</param>
/// <param name="Data">The bytes.</param>
public sealed record Seed(string Target, string Name, byte[] Data);

/// <summary>
/// The starting corpus of every target: real evidence from <c>testdata</c>, the repository's samples, the
/// checked-in regression inputs (<c>tests/Fuzz/regressions/&lt;target&gt;/</c>), and a few small documents derived from
/// real evidence (afl++ works best below 10 KB, so the 29 KB go-tpm-tools attestation loses its event log).
/// </summary>
public static class SeedCorpus
{
    /// <summary>The largest seed worth giving afl++; larger inputs slow every mutation down.</summary>
    public const int MaxSeedBytes = 10 * 1024;

    private const string GoTpmToolsAttestation = "vtpm/gotpmtools-gce-cos-85-no-nonce.pb";

    /// <summary>Builds the corpus.</summary>
    /// <param name="testdataDirectory">The <c>testdata</c> directory.</param>
    /// <param name="repositoryDirectory">The checkout (holds <c>Constellation.sln</c>).</param>
    /// <returns>Every seed of every target, each at most <see cref="MaxSeedBytes"/>.</returns>
    public static IReadOnlyList<Seed> Build(string testdataDirectory, string repositoryDirectory)
    {
        var seeds = new List<Seed>();
        void Shared(string target, params string[] relative)
        {
            foreach (var path in relative)
            {
                seeds.Add(new Seed(target, Path.GetFileName(path), File.ReadAllBytes(Path.Combine(testdataDirectory, path))));
            }
        }

        void Repository(string target, string directory, string pattern)
        {
            foreach (var path in Directory.GetFiles(Path.Combine(repositoryDirectory, directory), pattern).Order(StringComparer.Ordinal))
            {
                seeds.Add(new Seed(target, Path.GetFileName(path), File.ReadAllBytes(path)));
            }
        }

        Shared("snp-report", "snp/azure-milan-vcek-report.bin", "snp/aws-milan-vlek-report.bin", "snp/constellation-vlek-report.bin");
        Shared("tdx-quote", "tdx/spr-e4-quote-v4.dat", "tdx/sample-quote-v5.dat", "tdx/gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat");
        Shared("azure-hcl", "tdx/azure-tdx-hclreport.bin", "snp/azure-runtimedata.json");
        seeds.Add(new Seed("azure-hcl", "azure-instance-info.json", AzureInstanceInfo(testdataDirectory)));
        Shared("tpms-attest", "vtpm/gotpmtools-gce-cos-85-no-nonce.quote-sha1.tpms_attest.bin", "vtpm/gotpmtools-gce-cos-85-no-nonce.quote-sha256.tpms_attest.bin");
        Shared("tpmt-public", "vtpm/gotpmtools-gce-cos-85-no-nonce.ak_pub.tpmt_public.bin");
        seeds.Add(new Seed("tpmt-public", "ecc-ak-template.bin", TpmPublic.EccAttestationKeyTemplate().ToArray()));
        Shared("tpmt-signature", "vtpm/gotpmtools-gce-cos-85-no-nonce.quote-sha256.tpmt_signature.bin");

        var attestation = VtpmAttestation.ParseProtobuf(File.ReadAllBytes(Path.Combine(testdataDirectory, GoTpmToolsAttestation)));
        var withoutEventLog = new VtpmAttestation(attestation.AkPublic.Span, attestation.Quotes, default, attestation.AkCertificate.Span);
        var oneQuote = new VtpmAttestation(attestation.AkPublic.Span, attestation.Quotes.Take(1), default, default);
        seeds.Add(new Seed("vtpm-protobuf", "gotpmtools-no-event-log.pb", withoutEventLog.ToProtobuf()));
        seeds.Add(new Seed("vtpm-protobuf", "gotpmtools-one-quote.pb", oneQuote.ToProtobuf()));
        var userData = SHA256.HashData("fuzz seed user data"u8);
        seeds.Add(new Seed("vtpm-json", "gotpmtools-one-quote.json", new VtpmDocument(oneQuote, default, userData).ToJson()));
        seeds.Add(new Seed("vtpm-json", "gotpmtools-with-instance-info.json", new VtpmDocument(oneQuote, "{\"GCP\":null}"u8, userData).ToJson()));

        seeds.Add(new Seed("atls-cert", "dummy-attested.der", AtlsCertificate(withDocument: true)));
        seeds.Add(new Seed("atls-cert", "no-extension.der", AtlsCertificate(withDocument: false)));

        Repository("measurements-json", "tests/Constellation.Attestation.Tests/Samples", "*.json");
        Repository("measurements-yaml", "tests/Constellation.Attestation.Tests/Samples", "*.yaml");
        Shared("tdx-tcb-info", "tdx/collateral/tcb-info.json", "tdx/collateral/tcb-info-v5-sample.json");
        Shared("tdx-qe-identity", "tdx/collateral/qe-identity.json");
        Shared("crl-pki", "tdx/collateral/pck-crl.der", "tdx/collateral/root-ca-crl.der");
        seeds.Add(new Seed("crl-pki", "root-ca-crl.pem", Encoding.ASCII.GetBytes(
            PemEncoding.WriteString("X509 CRL", File.ReadAllBytes(Path.Combine(testdataDirectory, "tdx/collateral/root-ca-crl.der"))))));
        Shared("crl-snp", "tdx/collateral/root-ca-crl.der");
        seeds.Add(new Seed("tcg-event-log", "gotpmtools-gce-cos-85-event-log-prefix.bin", EventLogPrefix(testdataDirectory)));
        var quote = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(testdataDirectory, "tdx/spr-e4-quote-v4.dat")));
        var akPem = PemEncoding.WriteString("PUBLIC KEY", TpmPublic.Parse(attestation.AkPublic.Span).ToSubjectPublicKeyInfo());
        seeds.Add(new Seed("cloud-json", "gce-instance-info.json", """{"zone":"europe-west3-b","project_id":"constellation","instance_name":"worker-0"}"""u8.ToArray()));
        seeds.Add(new Seed("cloud-json", "aws-identity.json", """{"region":"eu-central-1","imageId":"ami-0123456789abcdef0","instanceId":"i-0"}"""u8.ToArray()));
        seeds.Add(new Seed("cloud-json", "azure-tdx-instance-info.json", Encoding.UTF8.GetBytes($$"""{"AttestationReport":"{{quote}}","RuntimeData":"eyJrZXlzIjpbXX0="}""")));
        seeds.Add(new Seed("cloud-json", "qemu-tdx-document.json", Encoding.UTF8.GetBytes($$"""{"RawQuote":"{{quote}}","UserData":"AAECAw=="}""")));
        seeds.Add(new Seed("cloud-json", "gce-shielded-identity.json", Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new { signingKey = new { ekPub = akPem }, encryptionKey = new { ekPub = akPem } }))));
        seeds.Add(new Seed("crl-snp", "amd-shaped-rsa-pss.crl", AmdShapedCrl()));

        seeds.Add(new Seed(FuzzTargets.SelfTest.Name, "almost.txt", "CRAS"u8.ToArray()));
        foreach (var target in FuzzTargets.All)
        {
            var regressions = Path.Combine(repositoryDirectory, "tests", "Fuzz", "regressions", target.Name);
            if (Directory.Exists(regressions))
            {
                Repository(target.Name, Path.Combine("tests", "Fuzz", "regressions", target.Name), "*");
            }
        }

        var tooLarge = seeds.Where(s => s.Data.Length > MaxSeedBytes).Select(s => $"{s.Target}/{s.Name} ({s.Data.Length} bytes)").ToList();
        if (tooLarge.Count > 0)
        {
            throw new InvalidOperationException($"seeds larger than {MaxSeedBytes} bytes: {string.Join(", ", tooLarge)}");
        }

        return seeds;
    }

    /// <summary>Writes the corpus as <c>&lt;directory&gt;/&lt;target&gt;/&lt;seed&gt;</c>.</summary>
    /// <param name="directory">The output directory (created).</param>
    /// <param name="seeds">The seeds.</param>
    public static void Write(string directory, IEnumerable<Seed> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        foreach (var seed in seeds)
        {
            var targetDirectory = Directory.CreateDirectory(Path.Combine(directory, seed.Target)).FullName;
            File.WriteAllBytes(Path.Combine(targetDirectory, seed.Name), seed.Data);
        }
    }

    // The azure-sev-snp InstanceInfo as the issuer writes it: the HCL report's SNP report and runtime data (no certificates, to stay small).
    /// <summary>
    /// The longest prefix of the real GCE event log (24 KB) that is itself a well-formed log and fits the seed size
    /// limit: whole events, so the fuzzer starts from the parse path that succeeds.
    /// </summary>
    private static byte[] EventLogPrefix(string testdataDirectory)
    {
        var log = File.ReadAllBytes(Path.Combine(testdataDirectory, "vtpm/gotpmtools-gce-cos-85-no-nonce.event_log.bin"));
        for (var length = Math.Min(log.Length, MaxSeedBytes); length > 0; length--)
        {
            try
            {
                if (TcgEventLog.Parse(log.AsSpan(0, length)).Events.Length > 1)
                {
                    return log[..length];
                }
            }
            catch (AttestationFormatException)
            {
                // Not at an event boundary yet.
            }
        }

        throw new InvalidOperationException("no prefix of the GCE event log parses");
    }

    private static byte[] AzureInstanceInfo(string testdataDirectory)
    {
        var report = File.ReadAllBytes(Path.Combine(testdataDirectory, "snp/azure-milan-vcek-report.bin"));
        var runtimeData = File.ReadAllBytes(Path.Combine(testdataDirectory, "snp/azure-runtimedata.json"));
        return Encoding.UTF8.GetBytes(
            $"{{\"ReportSigner\":null,\"CertChain\":null,\"AttestationReport\":\"{Convert.ToBase64String(report)}\",\"Azure\":{{\"RuntimeData\":\"{Convert.ToBase64String(runtimeData)}\",\"MAAToken\":\"\"}},\"GCP\":null}}");
    }

    private static byte[] AtlsCertificate(bool withDocument)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var document = withDocument ? new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), FuzzTargets.AtlsNonce).ToJsonBytes() : null;
        using var certificate = AtlsCertificateFactory.Create(
            key, withDocument ? AttestationVariant.Dummy : null, document, FuzzTargets.AtlsNow.AddYears(-1), FuzzTargets.AtlsNow.AddYears(1));
        return certificate.RawData;
    }

    // Shaped like KDS's CRL: RSA-PSS/SHA-384 signature by a self-signed RSA root, one revoked serial (test key, small for speed).
    private static byte[] AmdShapedCrl()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ARK-Milan, OU=Engineering, O=Advanced Micro Devices, L=Santa Clara, ST=CA, C=US", rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var root = request.CreateSelfSigned(FuzzTargets.AtlsNow.AddYears(-1), FuzzTargets.AtlsNow.AddYears(10));
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry([0x01, 0x02, 0x03, 0x04], FuzzTargets.AtlsNow.AddDays(-30), X509RevocationReason.KeyCompromise);
        return builder.Build(root, 1, FuzzTargets.AtlsNow.AddDays(7), HashAlgorithmName.SHA384, RSASignaturePadding.Pss, FuzzTargets.AtlsNow.AddDays(-1));
    }
}
