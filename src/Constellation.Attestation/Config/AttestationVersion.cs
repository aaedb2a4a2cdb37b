using System;
using System.Globalization;

namespace Constellation.Attestation.Config;

/// <summary>
/// A minimum firmware or TCB version in an attestation config: a number, or <c>latest</c>
/// (Constellation's <c>AttestationVersion</c> for <c>uint8</c>/<c>uint16</c> fields).
/// </summary>
/// <remarks>
/// <c>latest</c> must be resolved to a number before a validator uses it; a validator that receives an
/// unresolved <c>latest</c> uses 0, as Constellation does (see <see cref="EffectiveValue"/>).
/// </remarks>
public readonly struct AttestationVersion : IEquatable<AttestationVersion>
{
    private AttestationVersion(ushort value, bool isLatest)
    {
        Value = value;
        IsLatest = isLatest;
    }

    /// <summary>Gets the unresolved <c>latest</c> marker.</summary>
    public static AttestationVersion Latest { get; } = new(0, isLatest: true);

    /// <summary>Gets the configured number (0 when <see cref="IsLatest"/>).</summary>
    public ushort Value { get; }

    /// <summary>Gets a value indicating whether the config says <c>latest</c>.</summary>
    public bool IsLatest { get; }

    /// <summary>Gets the value a validator applies: the number, or 0 for an unresolved <c>latest</c>.</summary>
    public ushort EffectiveValue => IsLatest ? (ushort)0 : Value;

    /// <summary>Creates a fixed version.</summary>
    /// <param name="value">The minimum version.</param>
    /// <returns>The version.</returns>
    public static AttestationVersion FromValue(ushort value) => new(value, isLatest: false);

    /// <inheritdoc />
    public bool Equals(AttestationVersion other) => Value == other.Value && IsLatest == other.IsLatest;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AttestationVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, IsLatest);

    /// <summary>Returns <c>latest</c> or the decimal number.</summary>
    /// <returns>The config text.</returns>
    public override string ToString() => IsLatest ? "latest" : Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(AttestationVersion left, AttestationVersion right) => left.Equals(right);

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AttestationVersion left, AttestationVersion right) => !left.Equals(right);
}
