using System;
using System.Collections.Immutable;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>
/// Validates Constellation vTPM documents in the order of shared/spec/vtpm.md §5: trusted AK from the variant hook,
/// quote signature, nonce binding, PCR digest, event-log replay, CVM check, then measurements (every mismatch
/// reported; warn-only mismatches become warnings).
/// </summary>
/// <remarks>
/// <para>Immutable and safe to use concurrently when the hooks are. SHA-1 banks are never accepted. Unlike upstream, the
/// SHA-256 quote whose PCR values are compared with the measurements must itself verify and carry the nonce, even when
/// a quote of a stronger bank was accepted first.</para>
/// <para>Composed of the family's layers: the document from <c>Tpm.WireFormat.Document</c>, each quote verified by a
/// <see cref="TpmQuoteVerifier"/> (signature, selection, digest, event-log replay) and bound by
/// <see cref="TpmQuoteValidator"/> (nonce), the measurements applied by <see cref="TpmQuoteValidator"/> to the verified
/// SHA-256 quote. The variant hooks decide which AK is trusted and whether the VM is confidential.</para>
/// </remarks>
public sealed class VtpmValidator : IAttestationValidator
{
    // Strongest first; SHA-1 is never accepted.
    private static readonly TpmAlgorithm[] AcceptedBanks = [TpmAlgorithm.Sha512, TpmAlgorithm.Sha384, TpmAlgorithm.Sha256];

    private readonly IVtpmVariantHooks _hooks;
    private readonly MeasurementSet _measurements;
    private readonly TpmQuoteVerifier _verifier = new();
    private readonly BindingHasher _binding = new();
    private volatile DecodedAttestationKey? _lastAk;

    /// <summary>Creates a validator.</summary>
    /// <param name="variant">The vTPM-family variant validated.</param>
    /// <param name="hooks">The variant's AK trust and CVM check.</param>
    /// <param name="measurements">
    /// The expected SHA-256 PCR values (Constellation's <c>M</c>); at least one, or <see cref="MeasurementSet.EmptyAllowed"/>
    /// to compare none on purpose (every result then carries a warning).
    /// </param>
    /// <exception cref="EmptyMeasurementsException"><paramref name="measurements"/> is empty and not <see cref="MeasurementSet.EmptyAllowed"/>.</exception>
    public VtpmValidator(AttestationVariant variant, IVtpmVariantHooks hooks, MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(measurements);
        MeasurementRequirement.ThrowIfEmpty(variant, measurements);
        if (measurements.Count > 0 && measurements.ValueLength != Measurement.Sha256Length)
        {
            throw new ArgumentException($"vTPM measurements must be 32-byte SHA-256 PCR values, got {measurements.ValueLength}-byte values.", nameof(measurements));
        }

        Variant = variant;
        _hooks = hooks;
        _measurements = measurements;
    }

    /// <inheritdoc />
    public AttestationVariant Variant { get; }

    /// <inheritdoc />
    public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // 1. Outer document. Its arrays are private to this call: they are shared below without copies.
        var doc = VtpmDocument.Parse(document.Span);
        var attestation = doc.Attestation;

        // 2. extraData = SHA-256(userData ‖ nonce).
        var extraData = _binding.ExtraData(doc.UserData.Span, nonce.Span);

        // 3. Trusted AK from the variant.
        var (ak, akSpki) = DecodeAttestationKey(attestation.AkPublic.Span);

        var context = new VtpmAttestationContext(Variant, doc.InstanceInfo, extraData, attestation.AkPublic, akSpki, attestation.AkCertificate, attestation.EventLog, shared: true);
        var trustedKey = await _hooks.GetTrustedAttestationKeyAsync(context, cancellationToken).ConfigureAwait(false);

        // 4. tpmNonce = SHA-256(instanceInfo ‖ extraData).
        var tpmNonce = _binding.TpmNonce(doc.InstanceInfo.Span, extraData);

        // 5. Quotes.
        // Identical SPKI bytes are the same key; anything else gets the structural comparison.
        if (!trustedKey.Span.SequenceEqual(akSpki) && !TpmQuoteVerifier.KeyEquals(ak, trustedKey.Span))
        {
            throw new AttestationTrustException(
                $"key not trusted: the document's AK (ak_pub, SHA-256 of SubjectPublicKeyInfo {Convert.ToHexStringLower(SHA256.HashData(akSpki))}) is not the AK trusted for {Variant.Name} (SHA-256 {Convert.ToHexStringLower(SHA256.HashData(trustedKey.Span))})");
        }

        var (accepted, measured) = VerifyQuotes(ak, attestation, tpmNonce);
        var platformState = accepted.EventLog is { } log ? GcePlatformState.FromEventLog(log) : null;

        // 6. CVM check.
        var verifiedContext = context.WithPlatformState(platformState);
        await _hooks.CheckConfidentialVmAsync(verifiedContext, cancellationToken).ConfigureAwait(false);

        // 7. Measurements, compared with the verified SHA-256 values (the policy lists every mismatch; the nonce it
        // checks again was bound in step 5); the result keeps them (nobody else has them).
        var policy = TpmQuoteValidator.Validate(measured, new TpmValidationOptions(tpmNonce, shared: true) { Measurements = _measurements });
        policy.ThrowIfInvalid();

        // 8. User data.
        return new AttestationValidationResult(Variant, doc.UserData, CollectWarnings(context, verifiedContext, policy), measured.SortedPcrValues);
    }

    private static ImmutableArray<string> CollectWarnings(VtpmAttestationContext context, VtpmAttestationContext verifiedContext, TpmQuoteValidationResult policy)
    {
        var hookWarnings = context.Warnings;
        var checkWarnings = verifiedContext.Warnings;
        if (hookWarnings.Count == 0 && checkWarnings.Count == 0 && policy.Warnings.Count == 0)
        {
            return [];
        }

        return [.. hookWarnings, .. checkWarnings, .. policy.Warnings];
    }

    private (TpmPublic Key, byte[] SubjectPublicKeyInfo) DecodeAttestationKey(ReadOnlySpan<byte> akPublic)
    {
        // A machine presents the same AK on every handshake: reuse the decoded key for byte-identical ak_pub only.
        var last = _lastAk;
        if (last is not null && akPublic.SequenceEqual(last.Raw))
        {
            return (last.Key, last.SubjectPublicKeyInfo);
        }

        try
        {
            var key = TpmPublic.Parse(akPublic);
            var decoded = new DecodedAttestationKey(akPublic.ToArray(), key, key.ToSubjectPublicKeyInfo());
            _lastAk = decoded;
            return (decoded.Key, decoded.SubjectPublicKeyInfo);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"validating attestation public key: ak_pub: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Accepts the first quote of the strongest bank that verifies and carries <paramref name="tpmNonce"/>, and the first
    /// SHA-256 quote the same way (its values are the measured ones).
    /// </summary>
    private (TpmQuoteVerificationResult Accepted, TpmQuoteVerificationResult Measured) VerifyQuotes(TpmPublic ak, VtpmAttestation attestation, byte[] tpmNonce)
    {
        if (attestation.Quotes.IsEmpty)
        {
            throw new AttestationFormatException("attestation is missing quotes");
        }

        var measured = FirstQuote(attestation.Quotes, TpmAlgorithm.Sha256)
            ?? throw new AttestationFormatException(attestation.Quotes.All(q => q.Bank == TpmAlgorithm.Sha1)
                ? "attestation did not include SHA256 hashed PCRs: only SHA-1 banks were quoted, and SHA-1 is not accepted"
                : "attestation did not include SHA256 hashed PCRs");
        if (measured.SortedPcrs.Count == 0)
        {
            throw new AttestationFormatException("no PCR data in attestation: the SHA-256 quote carries no PCR values");
        }

        TcgEventLog? log = null;
        if (!attestation.EventLog.IsEmpty)
        {
            log = TcgEventLog.Parse(attestation.EventLog.Span);
        }

        // First quote of each bank, strongest bank first; SHA-1 is never accepted.
        var binding = new TpmValidationOptions(tpmNonce, shared: true);
        AttestationException? lastError = null;
        TpmQuoteVerificationResult? accepted = null;
        foreach (var bank in AcceptedBanks)
        {
            var quote = FirstQuote(attestation.Quotes, bank);
            if (quote is null)
            {
                continue;
            }

            try
            {
                accepted = VerifyAndBind(ak, quote, log, binding);
                break;
            }
            catch (AttestationException ex)
            {
                lastError = ex;
            }
        }

        if (accepted is null)
        {
            throw lastError!;
        }

        // The measured SHA-256 values must be covered by a verified, bound quote too (stricter than upstream).
        return (accepted, ReferenceEquals(accepted.Quote, measured) ? accepted : VerifyAndBind(ak, measured, log, binding));
    }

    private static TpmQuote? FirstQuote(ImmutableArray<TpmQuote> quotes, TpmAlgorithm bank)
    {
        foreach (var quote in quotes)
        {
            if (quote.Bank == bank)
            {
                return quote;
            }
        }

        return null;
    }

    private TpmQuoteVerificationResult VerifyAndBind(TpmPublic ak, TpmQuote quote, TcgEventLog? log, TpmValidationOptions binding)
    {
        try
        {
            var verified = _verifier.Verify(quote, ak, log);
            TpmQuoteValidator.Validate(verified, binding).ThrowIfInvalid();
            return verified;
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{TpmHash.ToDisplayName(quote.Bank)} quote: {ex.Message}", ex);
        }
        catch (AttestationSignatureException ex)
        {
            throw new AttestationSignatureException($"{TpmHash.ToDisplayName(quote.Bank)} quote: {ex.Message}", ex);
        }
        catch (AttestationBindingException ex)
        {
            throw new AttestationBindingException($"{TpmHash.ToDisplayName(quote.Bank)} quote: {ex.Field}", ex.Expected, ex.Actual);
        }
    }

    private sealed record DecodedAttestationKey(byte[] Raw, TpmPublic Key, byte[] SubjectPublicKeyInfo);
}
