using System;
using System.Collections.Immutable;

namespace Constellation.Attestation.Tpm.WireFormat.EventLog;

/// <summary>One record of a TCG PC Client crypto-agile event log (TCG_PCR_EVENT2). Immutable.</summary>
/// <remarks>
/// A quote covers PCR values, and the replay ties those to the records' <see cref="Digests"/> only. Nothing signed
/// covers a record's type, its PCR index beyond the replay, or its data: the data is public only through the verify
/// layer's <c>GetVerifiedData</c> (<c>Tpm.Verify.EventLog.TcgEventDigestCheck</c>), which first checks that it hashes
/// to the digests. This type is layout only and computes no hash.
/// </remarks>
public sealed class TcgEvent
{
    /// <summary>EV_NO_ACTION: informational, never extended into a PCR.</summary>
    public const uint NoAction = 0x00000003;

    /// <summary>EV_SEPARATOR.</summary>
    public const uint Separator = 0x00000004;

    /// <summary>EV_S_CRTM_VERSION.</summary>
    public const uint SCrtmVersion = 0x00000008;

    /// <summary>EV_NONHOST_INFO.</summary>
    public const uint NonHostInfo = 0x00000011;

    private readonly byte[] _data;

    internal TcgEvent(int sequence, uint pcrIndex, uint eventType, ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> digests, byte[] data)
    {
        Sequence = sequence;
        PcrIndex = pcrIndex;
        EventType = eventType;
        Digests = digests;
        _data = data;
    }

    /// <summary>Gets the record's position in the log (0 is the Spec ID header).</summary>
    public int Sequence { get; }

    /// <summary>Gets the PCR the event was extended into.</summary>
    public uint PcrIndex { get; }

    /// <summary>Gets the event type (EV_*) as the log states it; no digest covers it.</summary>
    public uint EventType { get; }

    /// <summary>Gets the event's digest per bank.</summary>
    public ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> Digests { get; }

    /// <summary>
    /// Gets the event data without any check. Only for values that the replay itself binds (the StartupLocality of
    /// PCR 0 sets the value the replay starts from) and for the digest check (both in <c>Tpm.Verify.EventLog</c>).
    /// </summary>
    internal ReadOnlyMemory<byte> UnverifiedData => _data;

    /// <summary>Names an event type for messages (<c>EV_SEPARATOR</c>, or the hex value for types this library does not read).</summary>
    internal static string NameOf(uint eventType) => eventType switch
    {
        NoAction => "EV_NO_ACTION",
        Separator => "EV_SEPARATOR",
        SCrtmVersion => "EV_S_CRTM_VERSION",
        NonHostInfo => "EV_NONHOST_INFO",
        _ => $"type 0x{eventType:x8}",
    };
}
