using System;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// The expected value of one measurement register and whether a mismatch fails validation or only warns.
/// </summary>
public sealed class Measurement : IEquatable<Measurement>
{
    /// <summary>Length of a SHA-256 PCR value (vTPM variants).</summary>
    public const int Sha256Length = 32;

    /// <summary>Length of a SHA-384 register value (TDX MRTD and RTMRs).</summary>
    public const int Sha384Length = 48;

    /// <summary>Creates a measurement.</summary>
    /// <param name="expected">The expected register value: 32 or 48 bytes.</param>
    /// <param name="warnOnly"><see langword="true"/> when a mismatch should only be reported as a warning.</param>
    /// <exception cref="AttestationFormatException">The value is neither 32 nor 48 bytes long.</exception>
    public Measurement(ReadOnlySpan<byte> expected, bool warnOnly = false)
    {
        if (expected.Length is not (Sha256Length or Sha384Length))
        {
            throw new AttestationFormatException(
                $"measurement value: expected length {Sha256Length} or {Sha384Length} bytes, got {expected.Length}");
        }

        Expected = expected.ToArray().ToImmutableArray();
        WarnOnly = warnOnly;
    }

    /// <summary>Gets the expected register value.</summary>
    public ImmutableArray<byte> Expected { get; }

    /// <summary>Gets a value indicating whether a mismatch is only a warning (Constellation's <c>warnOnly</c>).</summary>
    public bool WarnOnly { get; }

    /// <summary>Creates an enforced measurement from a hex string.</summary>
    /// <param name="hex">64 or 96 hex digits.</param>
    /// <param name="warnOnly">Whether a mismatch only warns.</param>
    /// <returns>The measurement.</returns>
    /// <exception cref="AttestationFormatException">The value is not hex or has the wrong length.</exception>
    public static Measurement FromHex(string hex, bool warnOnly = false)
    {
        ArgumentNullException.ThrowIfNull(hex);
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"measurement value: expected hex, got \"{Truncate(hex)}\"", ex);
        }

        return new Measurement(bytes, warnOnly);
    }

    /// <summary>Gets the expected value as lowercase hex.</summary>
    /// <returns>The hex string.</returns>
    public string ToHex() => Convert.ToHexStringLower(Expected.AsSpan());

    /// <inheritdoc />
    public bool Equals(Measurement? other) =>
        other is not null && WarnOnly == other.WarnOnly && Expected.AsSpan().SequenceEqual(other.Expected.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Measurement);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Expected.AsSpan());
        hash.Add(WarnOnly);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"{ToHex()} ({(WarnOnly ? "warn-only" : "enforced")})";

    private static string Truncate(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, 100), "…");
}
