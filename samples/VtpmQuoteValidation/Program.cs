// Validates a real vTPM attestation (a GCE Shielded VM: AK, quotes of three PCR banks, TCG event log, AK certificate -
// the Attestation of a Constellation vTPM document) against expected measurements, with the layers VtpmValidator
// composes: trust in the AK, the quote's signature and PCR digest, the event-log replay, the nonce, the measurements.
// Prints the verdict; exit code 0 = valid, 1 = rejected.
//
//   dotnet run                                   the measurements in measurements.json: valid
//   dotnet run -- --measurements <file>          other expected values (every mismatch is listed)
//   dotnet run -- --evidence <dir>               another attestation .pb with its AK intermediate and root
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Measurements;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

var evidence = Option(args, "--evidence") ?? Path.Combine(AppContext.BaseDirectory, "evidence");
var measurementsFile = Option(args, "--measurements") ?? Path.Combine(AppContext.BaseDirectory, "measurements.json");
// The AK certificate is valid 2021-08-31 to 2051-08-24; a fixed time keeps the verdict independent of the day.
var at = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

try
{
    // <trust>
    // go-tpm-tools' attest.Attestation (protobuf), strictly parsed: AK public area, quotes, event log, AK certificate.
    var protobuf = File.ReadAllBytes(Path.Combine(evidence, "gotpmtools-gce-cos-85-no-nonce.pb"));
    var attestation = VtpmAttestation.ParseProtobuf(protobuf);
    var ak = TpmPublic.Parse(attestation.AkPublic.Span);

    // Which AK to trust is the variant's decision (VtpmValidator asks its IVtpmVariantHooks). Here: the AK certificate
    // must chain to Google's pinned vTPM root and certify exactly this AK.
    using var akCertificate = AkCertificate.Parse(attestation.AkCertificate.Span);
    var intermediate = Der(Path.Combine(evidence, "gotpmtools-tpm_ek_intermediate_2.der"));
    var root = Der(Path.Combine(evidence, "gotpmtools-tpm_ek_root_1.der"));
    var chain = AkCertificateChain.Verify(akCertificate, [intermediate], [root], at);
    if (!chain.Certifies(ak))
    {
        throw new AttestationTrustException("key not trusted: the AK certificate does not certify ak_pub");
    }
    // </trust>

    // <verify>
    // Facts: the SHA-256 quote's signature by the AK, its PCR selection and digest over the reported values, and the
    // event log replayed against them. SHA-1 quotes are never used.
    var quote = attestation.Quotes.Single(q => q.Bank == TpmAlgorithm.Sha256);
    var eventLog = TcgEventLog.Parse(attestation.EventLog.Span);
    TpmQuoteVerificationResult verified = new TpmQuoteVerifier().Verify(quote, ak, eventLog);
    // </verify>
    Console.WriteLine($"vTPM attestation: AK certified by {chain.AkCertificate.Issuer}");
    var pcrs = string.Join(',', verified.PcrValues.Keys);
    Console.WriteLine($"SHA-256 quote of PCRs {pcrs}: signature, digest and event-log replay verified");

    // <validate>
    // Policy: the nonce and the expected measurements. This real quote was taken without a nonce (go-tpm-tools'
    // test vector), so the nonce expected is empty; a verifier sends a fresh one and VtpmValidator expects
    // SHA-256(instance info || SHA-256(user data || nonce)) here.
    var measurements = MeasurementJson.Parse(File.ReadAllBytes(measurementsFile));
    var policy = new TpmValidationOptions(expectedNonce: []) { Measurements = measurements };
    TpmQuoteValidationResult result = TpmQuoteValidator.Validate(verified, policy);
    // </validate>

    foreach (var warning in result.Warnings)
    {
        Console.WriteLine($"warning: {warning}");
    }

    if (!result.IsValid)
    {
        Console.WriteLine($"policy (nonce, {measurements.Count} measurements): rejected");
        foreach (var violation in result.Violations)
        {
            Console.WriteLine($"  {violation}");
        }

        Console.WriteLine("verdict: rejected");
        return 1;
    }

    Console.WriteLine($"policy (nonce, {measurements.Count} measurements): satisfied");
    Console.WriteLine("verdict: valid");
    return 0;
}
catch (AttestationException ex)
{
    Console.WriteLine($"rejected: {ex.GetType().Name}: {ex.Message}");
    Console.WriteLine("verdict: rejected");
    return 1;
}

static X509Certificate2 Der(string path) => X509CertificateLoader.LoadCertificate(File.ReadAllBytes(path));

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
