using System;
using System.Collections.Immutable;

namespace Constellation.Attestation.Config;

/// <summary>
/// A byte-string TCB value in an attestation config (<c>teeTCBSVN</c>, <c>qeVendorID</c>, <c>xfam</c>):
/// lowercase hex, <c>latest</c>, or unset (empty string).
/// </summary>
public sealed class HexAttestationVersion : IEquatable<HexAttestationVersion>
{
    private HexAttestationVersion(ImmutableArray<byte> value, bool isLatest)
    {
        Value = value;
        IsLatest = isLatest;
    }

    /// <summary>Gets the unresolved <c>latest</c> marker.</summary>
    public static HexAttestationVersion Latest { get; } = new(ImmutableArray<byte>.Empty, isLatest: true);

    /// <summary>Gets the unset value (empty string in the config; for <c>xfam</c> it disables the check).</summary>
    public static HexAttestationVersion Unset { get; } = new(ImmutableArray<byte>.Empty, isLatest: false);

    /// <summary>Gets the configured bytes (empty when unset or <c>latest</c>).</summary>
    public ImmutableArray<byte> Value { get; }

    /// <summary>Gets a value indicating whether the config says <c>latest</c>.</summary>
    public bool IsLatest { get; }

    /// <summary>Gets a value indicating whether no value is configured.</summary>
    public bool IsUnset => !IsLatest && Value.IsEmpty;

    /// <summary>Creates a fixed value.</summary>
    /// <param name="value">The bytes; empty means unset.</param>
    /// <returns>The value.</returns>
    public static HexAttestationVersion FromBytes(ReadOnlySpan<byte> value) =>
        value.IsEmpty ? Unset : new(value.ToArray().ToImmutableArray(), isLatest: false);

    /// <inheritdoc />
    public bool Equals(HexAttestationVersion? other) =>
        other is not null && IsLatest == other.IsLatest && Value.AsSpan().SequenceEqual(other.Value.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HexAttestationVersion);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsLatest);
        hash.AddBytes(Value.AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>Returns <c>latest</c>, lowercase hex, or the empty string when unset.</summary>
    /// <returns>The config text.</returns>
    public override string ToString() => IsLatest ? "latest" : Convert.ToHexStringLower(Value.AsSpan());
}
