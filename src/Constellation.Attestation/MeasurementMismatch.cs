using System;
using System.Collections.Immutable;

namespace Constellation.Attestation;

/// <summary>
/// A measurement register whose actual value differs from the expected one.
/// </summary>
public sealed class MeasurementMismatch
{
    internal MeasurementMismatch(uint index, Measurement expected, ImmutableArray<byte>? actual)
    {
        Index = index;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the register index (PCR number, or the TDX index mapping).</summary>
    public uint Index { get; }

    /// <summary>Gets the expected measurement, including whether it is warn-only.</summary>
    public Measurement Expected { get; }

    /// <summary>Gets the value reported by the evidence, or <see langword="null"/> when it reported none.</summary>
    public ImmutableArray<byte>? Actual { get; }

    /// <summary>Gets a value indicating whether this mismatch only warns.</summary>
    public bool WarnOnly => Expected.WarnOnly;

    /// <summary>Describes the mismatch with index, expected and actual hex.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Actual is { } actual
        ? $"untrusted measurement value at index {Index}: expected {Expected.ToHex()}, got {Convert.ToHexStringLower(actual.AsSpan())} ({(WarnOnly ? "warn-only" : "enforced")})"
        : $"missing measurement value for index {Index}: expected {Expected.ToHex()} ({(WarnOnly ? "warn-only" : "enforced")})";
}
