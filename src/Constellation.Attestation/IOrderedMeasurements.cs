using System;

namespace Constellation.Attestation;

/// <summary>
/// Register values in ascending index order without duplicates, read by position: the validation path's shape, so that
/// comparing and reporting them needs neither a dictionary nor a copy per value.
/// </summary>
/// <remarks>Implementations are immutable: a value read once reads the same for as long as the instance lives.</remarks>
internal interface IOrderedMeasurements
{
    /// <summary>Gets how many values there are.</summary>
    int Count { get; }

    /// <summary>Gets the register index at a position (ascending with the position).</summary>
    uint IndexAt(int position);

    /// <summary>Gets the value at a position.</summary>
    ReadOnlySpan<byte> ValueAt(int position);
}
