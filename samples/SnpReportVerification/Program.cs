// Verifies a real AMD SEV-SNP attestation report (an Azure confidential VM, Milan, signed by its VCEK) with the
// certificate chain that came with it, offline, then applies a policy to it. Prints the verdict; exit code 0 = valid,
// 1 = rejected.
//
//   dotnet run                                   the report at the time the test vectors pin: valid
//   dotnet run -- --at 2031-01-01T00:00:00Z      after the VCEK expired: rejected
//   dotnet run -- --evidence <dir>               another report.bin, vcek.pem, chain.pem and runtime data
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

var evidence = Option(args, "--evidence") ?? Path.Combine(AppContext.BaseDirectory, "evidence");
// The VCEK is valid 2023-08-30 to 2030-08-30; a fixed time keeps the verdict from depending on the day the sample runs.
var at = DateTimeOffset.Parse(Option(args, "--at") ?? "2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);

// <parse>
// Strict parse: exactly 1184 bytes, known version, reserved fields zero. No cryptography yet.
var report = SnpReport.Parse(File.ReadAllBytes(Path.Combine(evidence, "azure-milan-vcek-report.bin")));

// The VCEK that signed the report and the ASK that issued it (the ARK in the PEM is ignored: the ARK is pinned).
var certificates = new SnpEvidenceCertificates(
    X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(evidence, "azure-milan-vcek.pem"))),
    SnpEvidenceCertificates.IntermediateFromChain(File.ReadAllText(Path.Combine(evidence, "milan-ask-ark.pem"))));
// </parse>

// <verify>
var verifier = new SnpReportVerifier(new SnpVerificationOptions
{
    VerificationTime = at,
    // Revocation is checked by default and needs AMD's ARK-signed CRL, which KDS serves online only; the test vectors
    // include none. This opts out explicitly. A service passes the CRL (SnpEvidenceCertificates.RevocationList) or
    // fetches it through AmdKdsClient and keeps the default.
    CheckRevocation = false,
});

// Signature over bytes 0x000-0x29F, VCEK -> ASK -> pinned ARK-Milan, validity at `at`, the VCEK's TCB and chip ID
// extensions against the report. Every failure is listed, most fundamental first.
SnpReportVerificationResult verification = verifier.Verify(report, certificates);
// </verify>

var signer = report.SigningKey.ToString().ToUpperInvariant();
Console.WriteLine($"SEV-SNP report v{report.Version} from a {verification.ProductLine} processor, signed by its {signer}");
if (!verification.IsValid)
{
    Console.WriteLine($"signature and chain at {at:u}: rejected");
    foreach (var failure in verification.Failures)
    {
        Console.WriteLine($"  {failure.GetType().Name}: {failure.Message}");
    }

    Console.WriteLine("verdict: rejected");
    return 1;
}

Console.WriteLine($"signature and chain (VCEK -> ASK -> ARK-Milan) at {at:u}: verified");

// <validate>
// Policy applies to a verified report only: the validator takes the verification result (and refuses one that
// failed). The values a verifier expects come from its configuration: the launch measurement of the image, the
// minimum firmware, and what REPORT_DATA must bind - on Azure, the SHA-256 of the HCL runtime data (which carries
// the vTPM's attestation key), padded with zeros.
var runtimeData = File.ReadAllBytes(Path.Combine(evidence, "azure-runtimedata.json"));
var policy = new SnpValidationOptions
{
    Measurement = Convert.FromHexString(
        "5677f1de87289e7ad2c7e99c805d0468b1a9ccd83f0d245afa5242d405da4d5725852f8c6550564870e5f3206dfb1841"),
    ReportData = (byte[])[.. SHA256.HashData(runtimeData), .. new byte[32]],
    MinimumTcb = new SnpTcbParts(Bootloader: 2, Tee: 0, Snp: 6, Microcode: 93),
    // The defaults stay: no debug, no migration agent, VMPL 0.
};
SnpReportValidationResult validation = SnpReportValidator.Validate(verification, policy);
IReadOnlyList<PolicyViolation> violations = validation.Violations;
// </validate>

if (violations.Count > 0)
{
    Console.WriteLine("policy: rejected");
    foreach (var violation in violations)
    {
        Console.WriteLine($"  {violation}");
    }

    Console.WriteLine("verdict: rejected");
    return 1;
}

Console.WriteLine("policy (measurement, report data, minimum TCB, no debug, VMPL 0): satisfied");
Console.WriteLine("verdict: valid");
return 0;

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
