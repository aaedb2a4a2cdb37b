using System;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// One event of a measured launch: the PCR it extends, its TCG event type, the event data written to the log, and the
/// bytes whose hash (per bank) is extended. For most types the digest input is the data itself; for a boot application
/// it is the image (here the <see cref="BootImageManifest"/>), for the Linux stub's tagged events the load options or the
/// initrd.
/// </summary>
public sealed class MeasuredBootEvent
{
    /// <summary>Initialises an event.</summary>
    /// <param name="pcr">The PCR (0–23).</param>
    /// <param name="eventType">The TCG event type (<see cref="BootEventType"/>).</param>
    /// <param name="eventData">The event data recorded in the log.</param>
    /// <param name="digestInput">The bytes hashed per bank and extended.</param>
    public MeasuredBootEvent(int pcr, uint eventType, ReadOnlyMemory<byte> eventData, ReadOnlyMemory<byte> digestInput)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pcr);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pcr, 23);
        Pcr = pcr;
        EventType = eventType;
        EventData = eventData;
        DigestInput = digestInput;
    }

    /// <summary>Gets the PCR the event extends.</summary>
    public int Pcr { get; }

    /// <summary>Gets the TCG event type.</summary>
    public uint EventType { get; }

    /// <summary>Gets the event data recorded in the log.</summary>
    public ReadOnlyMemory<byte> EventData { get; }

    /// <summary>Gets the bytes whose hash is extended.</summary>
    public ReadOnlyMemory<byte> DigestInput { get; }

    /// <summary>Computes the digest extended into a bank.</summary>
    /// <param name="bank">The PCR bank.</param>
    /// <returns>The bank's hash of <see cref="DigestInput"/>.</returns>
    /// <exception cref="ArgumentException">The bank's hash is not supported.</exception>
    public byte[] Digest(TpmAlgorithm bank) =>
        TpmHash.IsSupported(bank)
            ? TpmHash.Compute(bank, DigestInput.Span)
            : throw new ArgumentException($"PCR bank {TpmHash.ToDisplayName(bank)}: expected SHA-1, SHA-256, SHA-384 or SHA-512", nameof(bank));
}
