using System;
using System.Collections.Immutable;

namespace Constellation.Attestation.Tpm.EventLog;

/// <summary>One record of a TCG PC Client crypto-agile event log (TCG_PCR_EVENT2). Immutable.</summary>
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

    internal TcgEvent(int sequence, uint pcrIndex, uint eventType, ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> digests, byte[] data)
    {
        Sequence = sequence;
        PcrIndex = pcrIndex;
        EventType = eventType;
        Digests = digests;
        Data = data;
    }

    /// <summary>Gets the record's position in the log (0 is the Spec ID header).</summary>
    public int Sequence { get; }

    /// <summary>Gets the PCR the event was extended into.</summary>
    public uint PcrIndex { get; }

    /// <summary>Gets the event type (EV_*).</summary>
    public uint EventType { get; }

    /// <summary>Gets the event's digest per bank.</summary>
    public ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> Digests { get; }

    /// <summary>Gets the event data.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
