using System;
using System.Text.Unicode;

namespace Constellation.Attestation.Json;

/// <summary>
/// System.Text.Json checks the structure of a document but decodes string contents (and member names) only when they
/// are read, and then throws <see cref="InvalidOperationException"/> for invalid UTF-8. JSON is UTF-8 (RFC 8259 §8.1),
/// so the evidence parsers reject such bytes up front with a typed error. Found by fuzzing.
/// </summary>
internal static class Utf8Input
{
    /// <summary>Throws unless <paramref name="bytes"/> are well-formed UTF-8.</summary>
    /// <param name="bytes">The raw document.</param>
    /// <param name="what">Names the document in the message.</param>
    /// <exception cref="AttestationFormatException">The bytes are not UTF-8.</exception>
    public static void Require(ReadOnlySpan<byte> bytes, string what)
    {
        if (!Utf8.IsValid(bytes))
        {
            throw new AttestationFormatException($"{what}: not valid UTF-8 (JSON text must be UTF-8)");
        }
    }
}
