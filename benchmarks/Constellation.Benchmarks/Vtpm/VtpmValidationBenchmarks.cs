using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.QemuVtpm;

namespace Constellation.Benchmarks.Vtpm;

/// <summary>
/// Full vTPM document validation (JSON, AK, quote signature, nonce, PCR digest, 24 enforced measurements) against the
/// bare RSASSA-SHA256 verification of the same quote with an already-imported AK. Same run, ratio in RESULTS.md.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in GlobalCleanup.")]
public class VtpmValidationBenchmarks
{
    private static readonly byte[] UserData = SHA256.HashData("aTLS public key"u8);
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(32);

    private SoftwareVtpm _tpm = null!;
    private byte[] _document = null!;
    private VtpmValidator _validator = null!;
    private byte[] _attest = null!;
    private byte[] _signature = null!;
    private byte[] _pcrConcatenation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tpm = new SoftwareVtpm();
        _document = _tpm.Issue(UserData, Nonce);
        var quote = VtpmDocument.Parse(_document).Attestation.Quotes.Single(q => q.Bank == TpmAlgorithm.Sha256);
        var measurements = new MeasurementSet(quote.Pcrs.Select(kv => new KeyValuePair<uint, Measurement>((uint)kv.Key, new Measurement(kv.Value.AsSpan()))));
        _validator = QemuVtpmVariant.CreateValidator(measurements);
        _attest = quote.Quote.ToArray();
        _signature = TpmSignature.Parse(quote.RawSignature.Span).RsaSignature.ToArray();
        _pcrConcatenation = quote.Pcrs.Values.SelectMany(v => v).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _tpm.Dispose();

    [Benchmark(Baseline = true, Description = "bare AK signature verification (RSASSA-SHA256)")]
    public bool BareSignature() =>
        _tpm.Key.VerifyData(_attest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "floor: Utf8JsonReader walk of the document (no decoding)")]
    public int WalkDocumentJson()
    {
        var reader = new Utf8JsonReader(_document);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark(Description = "floor: the three SHA-256s a validation adds (extraData, TPM nonce, PCR digest of 24 values)")]
    public byte[] RequiredHashes()
    {
        Span<byte> extraData = stackalloc byte[32];
        SHA256.HashData([.. UserData, .. Nonce], extraData);
        Span<byte> tpmNonce = stackalloc byte[32];
        SHA256.HashData(extraData, tpmNonce);
        return SHA256.HashData(_pcrConcatenation);
    }

    [Benchmark(Description = "step: parse the document JSON")]
    public VtpmDocument ParseDocument() => VtpmDocument.Parse(_document);

    [Benchmark(Description = "step: ak_pub to SubjectPublicKeyInfo + key equality")]
    public bool AkTrust()
    {
        var ak = TpmPublic.Parse(_tpm.AkPublic.RawBytes.Span);
        return TpmQuoteVerifier.KeyEquals(ak, ak.ToSubjectPublicKeyInfo());
    }

    [Benchmark(Description = "step: TpmQuoteVerifier.VerifySignature (key import + verify)")]
    public void QuoteSignature() =>
        TpmQuoteVerifier.VerifySignature(_tpm.AkPublic, _attest, TpmSignature.CreateRsa(TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, _signature));

    [Benchmark(Description = "vTPM document validation (qemu-vtpm, 24 PCRs enforced)")]
    public AttestationValidationResult ValidateDocument()
    {
        // The way to consume a ValueTask synchronously: its result when it completed, a Task only when it did not.
        var validation = _validator.ValidateAsync(_document, Nonce);
        return validation.IsCompletedSuccessfully ? validation.Result : validation.AsTask().GetAwaiter().GetResult();
    }
}
