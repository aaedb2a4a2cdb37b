using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>
/// The variant-specific part of vTPM validation (shared/spec/vtpm.md §5 steps 3 and 6): which AK to
/// trust, and the confidential-VM check. The vTPM validator does everything else (quote signatures,
/// nonce binding, PCR digest, measurements).
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently. Throw an <see cref="AttestationException"/>
/// subclass to reject; never return a key you have not established trust in.
/// </remarks>
public interface IVtpmVariantHooks
{
    /// <summary>
    /// Returns the AK public key this variant trusts for the document, as DER SubjectPublicKeyInfo.
    /// The validator then requires the document's <c>ak_pub</c> to be exactly this key.
    /// </summary>
    /// <param name="context">The document's pieces and the validator's extra data.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The trusted key as DER SubjectPublicKeyInfo.</returns>
    /// <exception cref="AttestationException">Trust in the AK cannot be established.</exception>
    ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that the attested machine is a confidential VM of the expected kind, after the quote verified.
    /// </summary>
    /// <param name="context">The document's pieces and the validator's extra data.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the check passed.</returns>
    /// <exception cref="AttestationException">The check failed.</exception>
    ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken);
}
