using System.Security.Cryptography;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Benchmarks.Vtpm;

/// <summary>
/// Builds a vTPM document in-process the way a TPM would (RSA-2048 AK, RSASSA-SHA256 quotes of the SHA-1 and SHA-256
/// banks, as clouds allocate them), so the benchmark needs no swtpm.
/// </summary>
internal sealed class SoftwareVtpm : IDisposable
{
    private readonly RSA _ak = RSA.Create(2048);

    public SoftwareVtpm()
    {
        var p = _ak.ExportParameters(false);
        AkPublic = TpmPublic.CreateRsa(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, 2048, 0, p.Modulus);
    }

    public TpmPublic AkPublic { get; }

    public RSA Key => _ak;

    public byte[] Issue(byte[] userData, byte[] nonce)
    {
        var extraData = SHA256.HashData([.. userData, .. nonce]);
        var tpmNonce = SHA256.HashData(extraData);
        var quotes = new[] { TpmAlgorithm.Sha1, TpmAlgorithm.Sha256 }.Select(bank => Quote(bank, tpmNonce)).ToList();
        var attestation = new VtpmAttestation(AkPublic.RawBytes.Span, quotes);
        return new VtpmDocument(attestation, [], userData).ToJson();
    }

    public (byte[] Attest, byte[] Signature) QuoteBytes(TpmAlgorithm bank, byte[] nonce)
    {
        var quote = Quote(bank, nonce);
        return (quote.Quote.ToArray(), quote.RawSignature.ToArray());
    }

    public void Dispose() => _ak.Dispose();

    private TpmQuote Quote(TpmAlgorithm bank, byte[] nonce)
    {
        var pcrs = Enumerable.Range(0, 24).ToDictionary(i => i, i => TpmHash.Compute(bank, BitConverter.GetBytes(i)));
        var attest = new TpmAttest(AkPublic.ComputeQualifiedName([0x40, 0, 0, 1]), nonce, 123456, 1, 0, true, 0x2016051100162800,
            [TpmPcrSelection.All(bank)], TpmQuoteVerifier.ComputePcrDigest(TpmAlgorithm.Sha256, pcrs));
        var signature = _ak.SignData(attest.RawBytes.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var raw = TpmSignature.CreateRsa(TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, signature).ToArray();
        return new TpmQuote(attest.RawBytes.Span, raw, bank, pcrs);
    }
}
