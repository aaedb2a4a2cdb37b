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
    private SyntheticTdx _pki = null!;
    private TdxQuoteVerifier _verifier = null!;
    private TdxCollateral _collateral = null!;
    private byte[] _quoteBytes = null!;
    private ECDsa _attestationKey = null!;
    private ECDsa _pckKey = null!;
    private byte[] _signed = null!;
    private byte[] _signature = null!;
    private byte[] _qeReport = null!;
    private byte[] _qeSignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pki = new SyntheticTdx();
        _verifier = new TdxQuoteVerifier(_pki.Options);
        _collateral = _pki.Collateral();
        _quoteBytes = _pki.Quote();
        var quote = TdxQuote.Parse(_quoteBytes);
        _attestationKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = quote.AttestationKey[..32].ToArray(), Y = quote.AttestationKey[32..].ToArray() },
        });
        _pckKey = _pki.Pck.GetECDsaPublicKey()!;
        _signed = quote.SignedData.ToArray();
        _signature = quote.Signature.ToArray();
        _qeReport = quote.QeReport.RawData.ToArray();
        _qeSignature = quote.QeReportSignature.ToArray();

        // Warm: the first validation verifies chains and collateral; later ones reuse them.
        FullValidation();
    }

    [Benchmark(Baseline = true, Description = "2 bare ECDSA P-256 verifies")]
    public bool TwoBareVerifies() =>
        _attestationKey.VerifyData(_signed, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        & _pckKey.VerifyData(_qeReport, _qeSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "Full TDX quote validation (warm collateral)")]
    public TdxQuoteValidationResult FullValidation() =>
        TdxQuoteValidator.Validate(_verifier.Verify(TdxQuote.Parse(_quoteBytes), _collateral), TdxValidationOptions.Default).ThrowIfInvalid();

    [GlobalCleanup]
    public void Dispose()
    {
        _attestationKey?.Dispose();
        _pckKey?.Dispose();
        _pki?.Dispose();
        GC.SuppressFinalize(this);
    }
}
