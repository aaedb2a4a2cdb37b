using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// Decodes the Go <c>encoding/json</c> form of a vTPM document in one forward pass with <see cref="Utf8JsonReader"/>,
/// straight into the fields (no DOM, no intermediate strings, Base64 decoded from the UTF-8 bytes).
/// </summary>
/// <remarks>
/// Same acceptance rules as Go's decoder as this project pins them: keys match exactly or, failing that, ignoring
/// case; among duplicates the first exact match wins, otherwise the last case-insensitive one; values of unknown or
/// superseded keys are only checked for JSON syntax; <c>null</c> leaves a field empty; trailing non-whitespace is an error.
/// A candidate that a later key may still supersede (case-insensitive match) is decoded only once it is known to win,
/// so a malformed value under a superseded key is not an error, exactly as before.
/// </remarks>
internal static partial class VtpmJsonReader
{
    private const int MaxDepth = 16;

    private const string AttestationPath = "Attestation";

    // Error paths of the first quotes, so that reading a quote builds no string (immutable, shared by all readers).
    private static readonly string[] QuotePaths =
    [
        "Attestation.quotes[0]", "Attestation.quotes[1]", "Attestation.quotes[2]", "Attestation.quotes[3]",
        "Attestation.quotes[4]", "Attestation.quotes[5]", "Attestation.quotes[6]", "Attestation.quotes[7]",
    ];

    public static VtpmDocument ReadDocument(ReadOnlySpan<byte> json) =>
        // What Go (and this library) writes takes the fast path; anything else, valid or not, the general reader.
        TryReadCanonical(json) ?? ReadGeneral(json);

    /// <summary>The general reader: every document Go's decoder accepts, with this project's rules and errors.</summary>
    internal static VtpmDocument ReadGeneral(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        reader.Read();
        RequireObject(ref reader, "document");
        var arena = new DecodeArena(json.Length);
        var attestation = new Field();
        var instanceInfo = new Field();
        var userData = new Field();
        VtpmAttestation? attestationValue = null;
        ReadOnlyMemory<byte> instanceInfoValue = default;
        ReadOnlyMemory<byte> userDataValue = default;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "Attestation"u8, out var exact))
            {
                if (attestation.Take(ref reader, exact, 0))
                {
                    attestationValue = ReadAttestationOrNull(ref reader, json, 0, arena);
                }
            }
            else if (Is(ref reader, "InstanceInfo"u8, out exact))
            {
                if (instanceInfo.Take(ref reader, exact, 0))
                {
                    instanceInfoValue = ReadBytesOrNull(ref reader, new("document.InstanceInfo"), arena);
                }
            }
            else if (Is(ref reader, "UserData"u8, out exact))
            {
                if (userData.Take(ref reader, exact, 0))
                {
                    userDataValue = ReadBytesOrNull(ref reader, new("document.UserData"), arena);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (reader.BytesConsumed != json.Length && !IsWhitespace(json[(int)reader.BytesConsumed..]))
        {
            throw new AttestationFormatException("trailing data after the JSON document");
        }

        // Case-insensitive winners were deferred (a later key could have superseded them); decode them now.
        if (attestation.Deferred is { } a)
        {
            var r = Reopen(json, a);
            attestationValue = ReadAttestationOrNull(ref r, json, a, arena);
        }

        if (instanceInfo.Deferred is { } i)
        {
            var r = Reopen(json, i);
            instanceInfoValue = ReadBytesOrNull(ref r, new("document.InstanceInfo"), arena);
        }

        if (userData.Deferred is { } u)
        {
            var r = Reopen(json, u);
            userDataValue = ReadBytesOrNull(ref r, new("document.UserData"), arena);
        }

        if (attestationValue is null)
        {
            throw new AttestationFormatException("Attestation: expected an object, got nothing");
        }

        return new VtpmDocument(attestationValue, instanceInfoValue, userDataValue, owned: true);
    }

    // Every reader below works on json[origin..]; origin turns its token offsets back into offsets in json.
    private static VtpmAttestation? ReadAttestationOrNull(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long origin, DecodeArena arena)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        const string path = AttestationPath;
        RequireObject(ref reader, path);
        var akPub = new Field();
        var quotes = new Field();
        var eventLog = new Field();
        var akCert = new Field();
        var intermediates = new Field();
        ReadOnlyMemory<byte> akPubValue = default;
        List<TpmQuote> quotesValue = [];
        ReadOnlyMemory<byte> eventLogValue = default;
        ReadOnlyMemory<byte> akCertValue = default;
        List<ReadOnlyMemory<byte>> intermediatesValue = [];
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "ak_pub"u8, out var exact))
            {
                if (akPub.Take(ref reader, exact, origin))
                {
                    akPubValue = ReadBytesOrNull(ref reader, new(path, ".ak_pub"), arena);
                }
            }
            else if (Is(ref reader, "quotes"u8, out exact))
            {
                if (quotes.Take(ref reader, exact, origin))
                {
                    quotesValue = ReadQuotes(ref reader, json, origin, path, arena);
                }
            }
            else if (Is(ref reader, "event_log"u8, out exact))
            {
                if (eventLog.Take(ref reader, exact, origin))
                {
                    eventLogValue = ReadBytesOrNull(ref reader, new(path, ".event_log"), arena);
                }
            }
            else if (Is(ref reader, "ak_cert"u8, out exact))
            {
                if (akCert.Take(ref reader, exact, origin))
                {
                    akCertValue = ReadBytesOrNull(ref reader, new(path, ".ak_cert"), arena);
                }
            }
            else if (Is(ref reader, "intermediate_certs"u8, out exact))
            {
                if (intermediates.Take(ref reader, exact, origin))
                {
                    intermediatesValue = ReadIntermediates(ref reader, path, arena);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        // Rare: keys that differ from the Go names in case only.
        if (akPub.Deferred is { } p)
        {
            var r = Reopen(json, p);
            akPubValue = ReadBytesOrNull(ref r, new(path, ".ak_pub"), arena);
        }

        if (quotes.Deferred is { } q)
        {
            var r = Reopen(json, q);
            quotesValue = ReadQuotes(ref r, json, q, path, arena);
        }

        if (eventLog.Deferred is { } e)
        {
            var r = Reopen(json, e);
            eventLogValue = ReadBytesOrNull(ref r, new(path, ".event_log"), arena);
        }

        if (akCert.Deferred is { } c)
        {
            var r = Reopen(json, c);
            akCertValue = ReadBytesOrNull(ref r, new(path, ".ak_cert"), arena);
        }

        if (intermediates.Deferred is { } m)
        {
            var r = Reopen(json, m);
            intermediatesValue = ReadIntermediates(ref r, path, arena);
        }

        return new VtpmAttestation(akPubValue, quotesValue, eventLogValue, akCertValue, intermediatesValue, owned: true);
    }

    private static List<TpmQuote> ReadQuotes(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long origin, string path, DecodeArena arena)
    {
        List<TpmQuote> quotes = [];
        if (reader.TokenType == JsonTokenType.Null)
        {
            return quotes;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new AttestationFormatException($"{path}.quotes: expected an array, got {KindOf(ref reader)}");
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var quotePath = index < QuotePaths.Length && ReferenceEquals(path, AttestationPath) ? QuotePaths[index] : $"{path}.quotes[{index}]";
            index++;
            quotes.Add(ReadQuote(ref reader, json, origin, quotePath, arena));
        }

        return quotes;
    }

    private static List<ReadOnlyMemory<byte>> ReadIntermediates(ref Utf8JsonReader reader, string path, DecodeArena arena)
    {
        List<ReadOnlyMemory<byte>> certificates = [];
        if (reader.TokenType == JsonTokenType.Null)
        {
            return certificates;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new AttestationFormatException($"{path}.intermediate_certs: expected an array, got {KindOf(ref reader)}");
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            certificates.Add(ReadBytes(ref reader, new(path, ".intermediate_certs", index++), arena));
        }

        return certificates;
    }

    private static TpmQuote ReadQuote(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long origin, string path, DecodeArena arena)
    {
        RequireObject(ref reader, path);
        var quote = new Field();
        var signature = new Field();
        var pcrs = new Field();
        ReadOnlyMemory<byte> quoteValue = default;
        ReadOnlyMemory<byte> signatureValue = default;
        var bank = TpmAlgorithm.Error;
        var pcrValues = SortedPcrValues.Empty;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "quote"u8, out var exact))
            {
                if (quote.Take(ref reader, exact, origin))
                {
                    quoteValue = ReadBytesOrNull(ref reader, new(path, ".quote"), arena);
                }
            }
            else if (Is(ref reader, "raw_sig"u8, out exact))
            {
                if (signature.Take(ref reader, exact, origin))
                {
                    signatureValue = ReadBytesOrNull(ref reader, new(path, ".raw_sig"), arena);
                }
            }
            else if (Is(ref reader, "pcrs"u8, out exact))
            {
                if (pcrs.Take(ref reader, exact, origin))
                {
                    (bank, pcrValues) = ReadPcrs(ref reader, json, origin, path, arena);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (quote.Deferred is { } q)
        {
            var r = Reopen(json, q);
            quoteValue = ReadBytesOrNull(ref r, new(path, ".quote"), arena);
        }

        if (signature.Deferred is { } s)
        {
            var r = Reopen(json, s);
            signatureValue = ReadBytesOrNull(ref r, new(path, ".raw_sig"), arena);
        }

        if (pcrs.Deferred is { } p)
        {
            var r = Reopen(json, p);
            (bank, pcrValues) = ReadPcrs(ref r, json, p, path, arena);
        }

        return new TpmQuote(quoteValue, signatureValue, bank, pcrValues);
    }

    private static (TpmAlgorithm Bank, SortedPcrValues Pcrs) ReadPcrs(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long origin, string path, DecodeArena arena)
    {
        var bank = TpmAlgorithm.Error;
        var pcrs = SortedPcrValues.Empty;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return (bank, pcrs);
        }

        RequireObject(ref reader, new JsonPath(path, ".pcrs"));
        var hash = new Field();
        var map = new Field();
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "hash"u8, out var exact))
            {
                if (hash.Take(ref reader, exact, origin))
                {
                    bank = ReadBank(ref reader, path);
                }
            }
            else if (Is(ref reader, "pcrs"u8, out exact))
            {
                if (map.Take(ref reader, exact, origin))
                {
                    pcrs = ReadPcrMap(ref reader, path, arena);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (hash.Deferred is { } h)
        {
            var r = Reopen(json, h);
            bank = ReadBank(ref r, path);
        }

        if (map.Deferred is { } m)
        {
            var r = Reopen(json, m);
            pcrs = ReadPcrMap(ref r, path, arena);
        }

        return (bank, pcrs);
    }

    private static TpmAlgorithm ReadBank(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return TpmAlgorithm.Error;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt16(out var number))
        {
            throw new AttestationFormatException($"{path}.pcrs.hash: expected a HashAlgo number, got {RawText(ref reader)}");
        }

        return (TpmAlgorithm)number;
    }

    // A PCR map key: a decimal index (Go's map[uint32] key), at most int.MaxValue.
    private static int ReadPcrIndex(ref Utf8JsonReader reader, string path)
    {
        // Unescaped ASCII digits are the normal case; anything else takes the string route with the same rule.
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && raw.Length is > 0 and <= 10 && !raw.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            var value = 0L;
            foreach (var digit in raw)
            {
                value = (value * 10) + (digit - '0');
            }

            if (value <= int.MaxValue)
            {
                return (int)value;
            }
        }

        var name = GetText(ref reader, path + ".pcrs.pcrs");
        if (!uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > int.MaxValue)
        {
            throw new AttestationFormatException($"{path}.pcrs.pcrs: expected decimal PCR indices as keys, got \"{name}\"");
        }

        return (int)index;
    }

    private static ReadOnlyMemory<byte> ReadBytesOrNull(ref Utf8JsonReader reader, JsonPath path, DecodeArena arena) =>
        reader.TokenType == JsonTokenType.Null ? default : ReadBytes(ref reader, path, arena);

    private static ReadOnlyMemory<byte> ReadBytes(ref Utf8JsonReader reader, JsonPath path, DecodeArena arena)
    {
        if (TryDecodeCanonical(ref reader, path, arena.Free, out var length))
        {
            return length == 0 ? default : arena.Commit(length);
        }

        var decoded = DecodeGeneral(ref reader, path);
        return decoded.Length == 0 ? default : arena.Add(decoded);
    }

    // Fast path: canonical Base64 (no escapes, no whitespace) decoded straight from the UTF-8 bytes. False when the
    // text is not canonical or does not fit: the general decoder then decides.
    private static bool TryDecodeCanonical(ref Utf8JsonReader reader, JsonPath path, scoped Span<byte> destination, out int length)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new AttestationFormatException($"{path}: expected a Base64 string, got {KindOf(ref reader)}");
        }

        length = 0;
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var text = reader.ValueSpan;
        length = DecodedLength(text);
        return length == 0 || (length > 0 && length <= destination.Length && DecodeCanonical(text, destination[..length]));
    }

    // Canonical Base64 only: every byte of the text consumed and exactly the destination's length written (so no
    // whitespace was skipped and the padding was where DecodedLength expects it).
    private static bool DecodeCanonical(ReadOnlySpan<byte> text, Span<byte> destination) =>
        Base64.DecodeFromUtf8(text, destination, out var consumed, out var written) == OperationStatus.Done
        && consumed == text.Length && written == destination.Length;

    // Escapes, whitespace or malformed text: the general decoder decides, with its exact acceptance rules.
    private static byte[] DecodeGeneral(ref Utf8JsonReader reader, JsonPath path)
    {
        var where = path.ToString();
        return GoJson.DecodeBase64(GetText(ref reader, where), where);
    }

    private static int DecodedLength(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return -1;
        }

        if (text.Length == 0)
        {
            return 0;
        }

        var padding = text[^1] != (byte)'=' ? 0 : text[^2] == (byte)'=' ? 2 : 1;
        return (text.Length / 4 * 3) - padding;
    }

    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, out bool exact)
    {
        exact = reader.ValueTextEquals(name);
        if (exact)
        {
            return true;
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence && Ascii.IsValid(reader.ValueSpan))
        {
            return Ascii.EqualsIgnoreCase(reader.ValueSpan, name);
        }

        // Non-ASCII or escaped names: the same comparison the DOM decoder made.
        return string.Equals(GetText(ref reader, "key"), Encoding.UTF8.GetString(name), StringComparison.OrdinalIgnoreCase);
    }

    private static void RequireObject(ref Utf8JsonReader reader, string path) => RequireObject(ref reader, new JsonPath(path));

    private static void RequireObject(ref Utf8JsonReader reader, JsonPath path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new AttestationFormatException($"{path}: expected a JSON object, got {KindOf(ref reader)}");
        }
    }

    private static string KindOf(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => nameof(JsonValueKind.Object),
        JsonTokenType.StartArray => nameof(JsonValueKind.Array),
        JsonTokenType.String => nameof(JsonValueKind.String),
        JsonTokenType.Number => nameof(JsonValueKind.Number),
        JsonTokenType.True => nameof(JsonValueKind.True),
        JsonTokenType.False => nameof(JsonValueKind.False),
        JsonTokenType.Null => nameof(JsonValueKind.Null),
        _ => nameof(JsonValueKind.Undefined),
    };

    private static string RawText(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => GetText(ref reader, "value"),
        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Encoding.UTF8.GetString(reader.ValueSpan),
        _ => KindOf(ref reader),
    };

    private static string GetText(ref Utf8JsonReader reader, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader checks UTF-8 only when text is materialised; a typed error, not a stray InvalidOperationException.
            throw new AttestationFormatException($"{path}: text is not valid UTF-8", ex);
        }
    }

    private static Utf8JsonReader Reopen(ReadOnlySpan<byte> json, long offset)
    {
        // The first pass already checked this value's syntax and depth; read it again standing on its first token.
        var reader = new Utf8JsonReader(json[(int)offset..], new JsonReaderOptions { MaxDepth = MaxDepth });
        reader.Read();
        return reader;
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decides which occurrence of one key wins: the first exact match, else the last case-insensitive one.</summary>
    private struct Field
    {
        private bool _exact;

        /// <summary>Gets the offset (in the whole document) of a case-insensitive winner, decoded after its object.</summary>
        public long? Deferred { get; private set; }

        /// <summary>
        /// Moves onto the value of the current matching property. Returns true when the caller must decode it now
        /// (the first exact match); otherwise the value is recorded (case-insensitive candidate) or ignored
        /// (superseded) and skipped.
        /// </summary>
        public bool Take(ref Utf8JsonReader reader, bool exact, long origin)
        {
            reader.Read();
            if (exact && !_exact)
            {
                _exact = true;
                Deferred = null;
                return true;
            }

            if (!_exact)
            {
                Deferred = origin + reader.TokenStartIndex;
            }

            reader.Skip();
            return false;
        }
    }

    /// <summary>Where a value sits in the document; turned into text only for an error message.</summary>
    private readonly struct JsonPath(string parent, string? member = null, int index = -1)
    {
        public override string ToString() => index < 0 ? parent + member : $"{parent}{member}[{index}]";
    }
}
