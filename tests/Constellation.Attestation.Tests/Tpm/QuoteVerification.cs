using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>A quote verified and bound to a nonce, as the vTPM validator accepts one: the verify layer, then the nonce policy.</summary>
internal static class QuoteVerification
{
    private static readonly TpmQuoteVerifier Verifier = new();

    public static TpmQuoteVerificationResult VerifyAndBind(TpmPublic ak, TpmQuote quote, ReadOnlySpan<byte> nonce, TcgEventLog? log = null)
    {
        var verified = Verifier.Verify(quote, ak, log);
        TpmQuoteValidator.Validate(verified, new TpmValidationOptions(nonce)).ThrowIfInvalid();
        return verified;
    }
}
