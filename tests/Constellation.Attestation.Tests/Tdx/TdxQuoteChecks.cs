using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>What every consumer (qemu-tdx, azure-tdx, the CLI) does with a quote: verify, then validate and throw on any violation.</summary>
internal static class TdxQuoteChecks
{
    /// <summary>Verifies <paramref name="quote"/> and applies <paramref name="policy"/> (default <see cref="TdxValidationOptions.Default"/>).</summary>
    /// <exception cref="TdxPolicyException">The policy is violated (every violation listed).</exception>
    public static TdxQuoteValidationResult VerifyAndValidate(this TdxQuoteVerifier verifier, TdxQuote quote, TdxCollateral collateral, TdxValidationOptions? policy = null) =>
        TdxQuoteValidator.Validate(verifier.Verify(quote, collateral), policy ?? TdxValidationOptions.Default).ThrowIfInvalid();

    /// <summary>Options for a verifier trusting <paramref name="roots"/> (default the Intel SGX Root CA) that judges at <paramref name="at"/>.</summary>
    public static TdxVerificationOptions At(DateTimeOffset at, bool signaturesOnly = false, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? roots = null) => new()
    {
        TrustedRoots = roots ?? [IntelSgxRootCa.Create()],
        VerificationTime = at,
        RequireTcbEvaluation = !signaturesOnly,
        RequireRevocationLists = !signaturesOnly,
    };
}
