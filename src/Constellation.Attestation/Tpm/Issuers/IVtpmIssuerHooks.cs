using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Commands;

namespace Constellation.Attestation.Tpm.Issuers;

/// <summary>
/// The variant-specific part of issuing a vTPM document (shared/spec/vtpm.md §4 steps 1–2): which AK to use and what
/// instance info to send. Implementations must be safe to call concurrently (the issuer serializes TPM access).
/// </summary>
public interface IVtpmIssuerHooks
{
    /// <summary>Loads (or creates) the variant's attestation key.</summary>
    /// <param name="tpm">The open TPM.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key, its certificate if any, and whether the issuer must flush it afterwards.</returns>
    ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken);

    /// <summary>Returns the variant's instance info bytes (empty for none).</summary>
    /// <param name="tpm">The open TPM.</param>
    /// <param name="extraData"><c>SHA-256(userData ‖ nonce)</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance info (JSON bytes) or empty.</returns>
    ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken);
}

/// <summary>An attestation key an issuer hook loaded.</summary>
/// <param name="Key">The loaded key.</param>
/// <param name="Certificate">The DER AK certificate to send as <c>ak_cert</c>, or empty.</param>
/// <param name="FlushAfterUse">Whether the key is transient and must be flushed after quoting.</param>
public sealed record VtpmIssuerKey(TpmCreatedKey Key, ReadOnlyMemory<byte> Certificate, bool FlushAfterUse);
