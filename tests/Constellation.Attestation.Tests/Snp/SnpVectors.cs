using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>The real SEV-SNP vectors from testdata/snp and their pinned times (MANIFEST.md).</summary>
internal static class SnpVectors
{
    public static readonly DateTimeOffset AzureValidAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AzureExpiredAt = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AwsValidAt = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AwsExpiredAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset ConstellationVlekValidAt = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] AzureReportBytes => TestData.EvidenceBytes("snp/azure-milan-vcek-report.bin");

    public static byte[] AwsReportBytes => TestData.EvidenceBytes("snp/aws-milan-vlek-report.bin");

    public static byte[] ConstellationVlekReportBytes => TestData.EvidenceBytes("snp/constellation-vlek-report.bin");

    public static X509Certificate2 AzureVcek => Pem("snp/azure-milan-vcek.pem");

    public static X509Certificate2 AwsVlek => Pem("snp/aws-milan-vlek.pem");

    public static X509Certificate2 ConstellationVlek => Pem("snp/constellation-vlek.pem");

    public static X509Certificate2 MilanAsk => Intermediate("snp/milan-ask-ark.pem");

    public static X509Certificate2 MilanAsvk => Intermediate("snp/milan-asvk-ark.pem");

    public static X509Certificate2 TurinAsk => Intermediate("snp/gosevguest-ask_ark_turin_vcek.pem");

    public static X509Certificate2 GenoaAsk => Intermediate("snp/gosevguest-ask_ark_genoa.pem");

    public static X509Certificate2 TurinVcek => X509CertificateLoader.LoadCertificate(TestData.EvidenceBytes("snp/virtee-vcek_turin.der"));

    public static SnpEvidenceCertificates AzureChain => new(AzureVcek, MilanAsk);

    public static SnpEvidenceCertificates AwsChain => new(AwsVlek, MilanAsvk);

    // No ARK-signed AMD CRL is in testdata (KDS serves it only online), so the real vectors are verified with revocation
    // explicitly off; revocation itself is pinned on the self-made PKI (SnpRevocationTests, SnpVariantRevocationTests).
    public static SnpReportVerifier VerifierAt(DateTimeOffset at, SnpProductLine? product = null, SnpTrustedRoots? roots = null) =>
        new(new SnpVerificationOptions { VerificationTime = at, Product = product, TrustedRoots = roots ?? SnpTrustedRoots.Default, CheckRevocation = false });

    private static X509Certificate2 Pem(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(TestData.Evidence(path)));

    private static X509Certificate2 Intermediate(string path) => SnpEvidenceCertificates.IntermediateFromChain(File.ReadAllText(TestData.Evidence(path)));
}
