using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Benchmarks.Snp;

/// <summary>
/// One full SEV-SNP report validation (parse + signature + chain facts + extension checks + policy) with a warm
/// chain cache, against the floor it cannot beat: one bare ECDSA P-384/SHA-384 verification of the same bytes.
/// </summary>
[MemoryDiagnoser]
public class SnpVerificationBenchmarks
{
    private static readonly DateTimeOffset PinnedTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private byte[] _reportBytes = null!;
    private byte[] _signedRegion = null!;
    private byte[] _p1363 = null!;
    private ECDsa _vcekKey = null!;
    private SnpEvidenceCertificates _chain = null!;
    private SnpReportVerifier _verifier = null!;
    private SnpValidationOptions _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = FindSnpTestData();
        _reportBytes = File.ReadAllBytes(Path.Combine(dir, "azure-milan-vcek-report.bin"));
        var vcek = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "azure-milan-vcek.pem")));
        var ask = SnpEvidenceCertificates.IntermediateFromChain(File.ReadAllText(Path.Combine(dir, "milan-ask-ark.pem")));
        _chain = new SnpEvidenceCertificates(vcek, ask);
        _vcekKey = vcek.GetECDsaPublicKey()!;
        var report = SnpReport.Parse(_reportBytes);
        _signedRegion = report.SignedRegion.ToArray();
        _p1363 = SnpSignature.ToIeeeP1363(report.Signature);
        // No ARK-signed CRL is in testdata (KDS serves it online only): revocation is opted out of explicitly, as in the tests.
        _verifier = new SnpReportVerifier(new SnpVerificationOptions { VerificationTime = PinnedTime, CheckRevocation = false });
        _policy = SnpValidationOptions.Constellation(new SnpTcbParts(2, 0, 6, 93), alsoCheckReportedTcb: true);
        if (!BareEcdsaP384Verify() || !ValidateReportWarmCache())
        {
            throw new InvalidOperationException("benchmark inputs do not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _vcekKey.Dispose();

    [Benchmark(Baseline = true)]
    public bool BareEcdsaP384Verify() =>
        _vcekKey.VerifyData(_signedRegion, _p1363, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark]
    public bool ValidateReportWarmCache()
    {
        var report = SnpReport.Parse(_reportBytes);
        var result = _verifier.Verify(report, _chain);
        return result.IsValid && SnpReportValidator.Validate(result, _policy).IsValid;
    }

    private static string FindSnpTestData()
    {
        // The repository's own copy of the real evidence (testdata/MANIFEST.md); nothing beside the checkout is read.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Constellation.sln")))
            {
                return Path.Combine(dir.FullName, "testdata", "snp");
            }
        }

        throw new DirectoryNotFoundException("Constellation.sln not found above " + AppContext.BaseDirectory);
    }
}
