using System;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Cluster.Keys;

/// <summary>
/// The UUID of a node's LUKS2 state disk in canonical form: 8-4-4-4-12 hexadecimal digits, lower case (the form the
/// node's cryptsetup wrapper sends and the init server derives the disk key from). Immutable.
/// </summary>
/// <remarks>
/// Only this type can name a state-disk key (<see cref="DataKeyId.StateDisk"/>), so no request string reaches the key
/// derivation as an arbitrary key id. The UUID selects the disk key: to an attested node, knowing it is what owning
/// the disk means. <see cref="ToString"/> therefore prints a fingerprint, never the UUID; use <see cref="Value"/>
/// only where the UUID itself must go (the key service's wire format).
/// </remarks>
public sealed class StateDiskUuid : IEquatable<StateDiskUuid>
{
    /// <summary>The length of the canonical form.</summary>
    public const int Length = 36;

    private StateDiskUuid(string value)
    {
        Value = value;
        Fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(value)).AsSpan(0, 6));
    }

    /// <summary>Gets the canonical (lower-case) UUID. It selects a disk key: never log it.</summary>
    public string Value { get; }

    /// <summary>Gets a short, non-reversible fingerprint for logs (<c>sha256:</c> and 12 hex digits).</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Generates the UUID for a new state disk: a random (version 4) UUID whose 122 random bits come from the OS
    /// CSPRNG, because the UUID is what selects the disk's key.
    /// </summary>
    /// <returns>The UUID.</returns>
    public static StateDiskUuid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        var hex = Convert.ToHexStringLower(bytes);
        return new StateDiskUuid($"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
    }

    /// <summary>Parses a UUID in the 8-4-4-4-12 form; upper-case hex digits are accepted and lower-cased.</summary>
    /// <param name="value">The candidate; nothing else (no braces, spaces or line ends) is allowed around it.</param>
    /// <returns>The UUID.</returns>
    /// <exception cref="FormatException">Not a canonical UUID. The message gives the length and position, never the input.</exception>
    public static StateDiskUuid Parse(ReadOnlySpan<char> value) =>
        TryParse(value, out var uuid, out var problem) ? uuid : throw new FormatException(problem);

    /// <summary>Parses a UUID in the 8-4-4-4-12 form; upper-case hex digits are accepted and lower-cased.</summary>
    /// <param name="value">The candidate.</param>
    /// <param name="uuid">The UUID, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="value"/> is a canonical UUID.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, [NotNullWhen(true)] out StateDiskUuid? uuid) => TryParse(value, out uuid, out _);

    /// <inheritdoc />
    public bool Equals(StateDiskUuid? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StateDiskUuid);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the fingerprint; the UUID itself is never printed.</summary>
    /// <returns>A description such as <c>state disk sha256:0123456789ab</c>.</returns>
    public override string ToString() => "state disk " + Fingerprint;

    internal static bool TryParse(ReadOnlySpan<char> value, [NotNullWhen(true)] out StateDiskUuid? uuid, out string problem)
    {
        uuid = null;
        const string Expected = "a canonical UUID (8-4-4-4-12 hexadecimal digits)";
        if (value.Length != Length)
        {
            problem = $"expected {Expected}, got {value.Length} characters";
            return false;
        }

        Span<char> canonical = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            var c = value[i];
            if (i is 8 or 13 or 18 or 23)
            {
                if (c != '-')
                {
                    problem = $"expected {Expected}, got a character other than '-' at position {i}";
                    return false;
                }

                canonical[i] = c;
            }
            else if (char.IsAsciiHexDigit(c))
            {
                canonical[i] = char.ToLowerInvariant(c);
            }
            else
            {
                problem = $"expected {Expected}, got a character that is not a hexadecimal digit at position {i}";
                return false;
            }
        }

        uuid = new StateDiskUuid(new string(canonical));
        problem = string.Empty;
        return true;
    }
}
