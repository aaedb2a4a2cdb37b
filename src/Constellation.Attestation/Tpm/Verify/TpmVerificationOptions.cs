using System.Collections.Frozen;
using System.Collections.Generic;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// Which quote signatures <see cref="TpmQuoteVerifier"/> accepts: the signature hashes, the ECC curves of ECDSA
/// attestation keys and the smallest RSA modulus of RSASSA ones. The defaults are go-tpm-tools' rules (SHA-256/384/512;
/// RSASSA for RSA keys of any size, ECDSA on NIST P-256/384/521); options can only narrow them.
/// </summary>
/// <remarks>
/// Immutable once constructed; safe to share. The scheme rules themselves (RSASSA for RSA keys, ECDSA for ECC keys; never
/// RSAPSS or SHA-1) are not options. Which attestation key is trusted is the caller's (the variant's) decision, and
/// whether the quote carries the expected nonce and measurements is <see cref="Validate.TpmValidationOptions"/>'.
/// </remarks>
public sealed class TpmVerificationOptions
{
    /// <summary>Gets the hashes a quote signature may use (default SHA-256, SHA-384 and SHA-512; only a non-empty subset of these is accepted).</summary>
    public IReadOnlySet<TpmAlgorithm> SignatureHashes { get; init; } = FrozenSet.Create(TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512);

    /// <summary>Gets the curves an ECDSA attestation key may use (default NIST P-256, P-384 and P-521; a subset of these, empty to refuse ECC keys).</summary>
    public IReadOnlySet<TpmEccCurve> EccCurves { get; init; } = FrozenSet.Create(TpmEccCurve.NistP256, TpmEccCurve.NistP384, TpmEccCurve.NistP521);

    /// <summary>Gets the smallest RSA attestation-key modulus, in bits, a signature is accepted from (default 0: any size the platform imports).</summary>
    public int MinimumRsaKeySize { get; init; }

    /// <summary>Gets the default options: go-tpm-tools' signature rules.</summary>
    public static TpmVerificationOptions Default { get; } = new();
}
