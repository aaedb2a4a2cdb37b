using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Tdx;

namespace Constellation.Benchmarks.Tdx;

/// <summary>
/// A full TDX quote validation (parse, quote signature, QE report + binding, PCK chain with CRLs, TCB info, QE identity,
/// policy) with warm collateral, against the two bare ECDSA P-256 verifications every quote needs, in the same run.
/// </summary>
[MemoryDiagnoser(false)]
public class TdxQuoteVerificationBenchmarks : IDisposable
{
    private SyntheticTdx pki = null!;
    private TdxQuoteVerifier verifier = null!;
    private TdxCollateral collateral = null!;
    private byte[] quoteBytes = null!;
    private ECDsa attestationKey = null!;
    private ECDsa pckKey = null!;
    private byte[] signed = null!;
    private byte[] signature = null!;
    private byte[] qeReport = null!;
    private byte[] qeSignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        pki = new SyntheticTdx();
        verifier = new TdxQuoteVerifier(pki.Options);
        collateral = pki.Collateral();
        quoteBytes = pki.Quote();
        var quote = TdxQuote.Parse(quoteBytes);
        attestationKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = quote.AttestationKey[..32].ToArray(), Y = quote.AttestationKey[32..].ToArray() },
        });
        pckKey = pki.Pck.GetECDsaPublicKey()!;
        signed = quote.SignedData.ToArray();
        signature = quote.Signature.ToArray();
        qeReport = quote.QeReport.RawData.ToArray();
        qeSignature = quote.QeReportSignature.ToArray();

        // Warm: the first validation verifies chains and collateral; later ones reuse them.
        FullValidation();
    }

    [Benchmark(Baseline = true, Description = "2 bare ECDSA P-256 verifies")]
    public bool TwoBareVerifies() =>
        attestationKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        & pckKey.VerifyData(qeReport, qeSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "Full TDX quote validation (warm collateral)")]
    public TdxQuoteValidationResult FullValidation() =>
        TdxQuoteValidator.Validate(verifier.Verify(TdxQuote.Parse(quoteBytes), collateral), TdxValidationOptions.Default).ThrowIfInvalid();

    [GlobalCleanup]
    public void Dispose()
    {
        attestationKey?.Dispose();
        pckKey?.Dispose();
        pki?.Dispose();
        GC.SuppressFinalize(this);
    }
}
