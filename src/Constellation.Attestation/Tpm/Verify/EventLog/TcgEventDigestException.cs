using System;
using System.Globalization;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify.EventLog;

/// <summary>
/// An event-log record's data is not what its digest says was measured: a quote covers the digests only, so data that
/// does not hash to the digest of every bank the record carries is unbound and must not be believed.
/// </summary>
public class TcgEventDigestException : AttestationBindingException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public TcgEventDigestException()
        : base("An event-log record's data does not match its digest.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public TcgEventDigestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public TcgEventDigestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the record, the bank and both digests.</summary>
    /// <param name="sequence">The record's position in the log (0 is the Spec ID header).</param>
    /// <param name="pcrIndex">The PCR the record extends.</param>
    /// <param name="eventType">The record's (unverified) event type.</param>
    /// <param name="bank">The bank whose digest differs, or <see cref="TpmAlgorithm.Null"/> when the record carries no digest this library can compute.</param>
    /// <param name="expected">The digest the log records for that bank (what was extended), lowercase hex.</param>
    /// <param name="actual">The hash of the data the log presents, lowercase hex.</param>
    public TcgEventDigestException(int sequence, uint pcrIndex, uint eventType, TpmAlgorithm bank, string expected, string actual)
        : base(FormatMessage(sequence, pcrIndex, eventType, bank, expected, actual))
    {
        Sequence = sequence;
        PcrIndex = pcrIndex;
        EventType = eventType;
        Bank = bank;
        ExpectedDigest = expected;
        ActualDigest = actual;
    }

    /// <summary>Gets the record's position in the log.</summary>
    public int Sequence { get; }

    /// <summary>Gets the PCR the record extends.</summary>
    public uint PcrIndex { get; }

    /// <summary>Gets the record's event type as the log states it.</summary>
    public uint EventType { get; }

    /// <summary>Gets the bank whose digest differs.</summary>
    public TpmAlgorithm Bank { get; }

    /// <summary>Gets the digest the log records (lowercase hex).</summary>
    public string ExpectedDigest { get; } = string.Empty;

    /// <summary>Gets the hash of the presented data (lowercase hex), or empty when there was nothing to compare.</summary>
    public string ActualDigest { get; } = string.Empty;

    private static string FormatMessage(int sequence, uint pcrIndex, uint eventType, TpmAlgorithm bank, string expected, string actual) =>
        bank == TpmAlgorithm.Null
            ? string.Create(CultureInfo.InvariantCulture, $"event log: event {sequence} (PCR {pcrIndex}, {TcgEvent.NameOf(eventType)}): expected a sha1, sha256, sha384 or sha512 digest binding the event data, got none")
            : string.Create(CultureInfo.InvariantCulture, $"event log: event {sequence} (PCR {pcrIndex}, {TcgEvent.NameOf(eventType)}) {TpmHash.ToDisplayName(bank)} digest: the event data does not hash to the measured digest: expected {expected}, got {actual}");
}
