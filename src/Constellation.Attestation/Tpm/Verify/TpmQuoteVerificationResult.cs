using System.Collections.Immutable;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// The facts <see cref="TpmQuoteVerifier"/> established about a quote: the attestation key's signature covers
/// <see cref="Attest"/>, and <see cref="Attest"/>'s PCR selection and digest cover <see cref="PcrValues"/> (and, when
/// there is one, <see cref="EventLog"/> replays to them). Nothing here is policy: whether <see cref="Attest"/> carries the
/// expected nonce and whether the values are the expected measurements is <see cref="Validate.TpmQuoteValidator"/>'s.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TpmQuoteVerificationResult
{
    internal TpmQuoteVerificationResult(TpmQuote quote, TpmPublic attestationKey, TpmAttest attest, TpmSignature signature, TcgEventLog? eventLog)
    {
        Quote = quote;
        AttestationKey = attestationKey;
        Attest = attest;
        Signature = signature;
        EventLog = eventLog;
    }

    /// <summary>Gets the verified quote.</summary>
    public TpmQuote Quote { get; }

    /// <summary>Gets the attestation key whose signature verified (trusted by the caller, not by the verifier).</summary>
    public TpmPublic AttestationKey { get; }

    /// <summary>Gets the signed TPMS_ATTEST: qualifying data (the nonce, not yet checked), clock, firmware version, PCR selection and digest.</summary>
    public TpmAttest Attest { get; }

    /// <summary>Gets the verified signature (its algorithm and hash).</summary>
    public TpmSignature Signature { get; }

    /// <summary>Gets the PCR bank of <see cref="PcrValues"/>.</summary>
    public TpmAlgorithm Bank => Quote.Bank;

    /// <summary>Gets the PCR values the signed digest covers, by index.</summary>
    public ImmutableSortedDictionary<int, ImmutableArray<byte>> PcrValues => Quote.Pcrs;

    /// <summary>
    /// Gets the event log that replayed to <see cref="PcrValues"/> (every PCR it extends), or <see langword="null"/> when
    /// none was given. Its digests are bound to the quote; its event data only through <c>GetVerifiedData</c>.
    /// </summary>
    public TcgEventLog? EventLog { get; }

    /// <summary>Gets the PCR values in index order, without copies, for the validation path (read only).</summary>
    internal SortedPcrValues SortedPcrValues => Quote.SortedPcrs;
}
