using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Constellation.Attestation.Tpm;

namespace Constellation.Attestation.Vtpm;

/// <summary>
/// One <c>tpm.Quote</c> of a vTPM document: the signed TPMS_ATTEST bytes, the TPMT_SIGNATURE bytes and the PCR
/// values of one bank that the quote claims to cover. Unverified data; immutable.
/// </summary>
public sealed class VtpmQuote
{
    private readonly SortedPcrValues _sorted;
    private ImmutableSortedDictionary<int, ImmutableArray<byte>>? _pcrs;

    /// <summary>Creates a quote entry.</summary>
    /// <param name="quote">TPMS_ATTEST bytes.</param>
    /// <param name="rawSignature">TPMT_SIGNATURE bytes.</param>
    /// <param name="bank">The PCR bank (<c>pcrs.hash</c>; TPM algorithm numbers: sha1 4, sha256 11, sha384 12, sha512 13).</param>
    /// <param name="pcrs">PCR values by index.</param>
    public VtpmQuote(ReadOnlySpan<byte> quote, ReadOnlySpan<byte> rawSignature, TpmAlgorithm bank, IEnumerable<KeyValuePair<int, byte[]>> pcrs)
    {
        ArgumentNullException.ThrowIfNull(pcrs);
        Quote = quote.ToArray();
        RawSignature = rawSignature.ToArray();
        Bank = bank;
        _pcrs = pcrs.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray());
        _sorted = SortedPcrValues.FromOrdered(_pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, ImmutableCollectionsMarshal.AsArray(kv.Value)!)).ToArray());
    }

    /// <summary>Takes ownership of freshly decoded bytes (no copies); the decoder hands out nothing else.</summary>
    /// <param name="quote">TPMS_ATTEST bytes; never written to afterwards.</param>
    /// <param name="rawSignature">TPMT_SIGNATURE bytes; never written to afterwards.</param>
    /// <param name="bank">The PCR bank.</param>
    /// <param name="pcrs">The PCR values.</param>
    internal VtpmQuote(ReadOnlyMemory<byte> quote, ReadOnlyMemory<byte> rawSignature, TpmAlgorithm bank, SortedPcrValues pcrs)
    {
        Quote = quote;
        RawSignature = rawSignature;
        Bank = bank;
        // The public dictionary is built only if someone asks for it.
        _sorted = pcrs;
    }

    /// <summary>Gets the TPMS_ATTEST bytes.</summary>
    public ReadOnlyMemory<byte> Quote { get; }

    /// <summary>Gets the TPMT_SIGNATURE bytes.</summary>
    public ReadOnlyMemory<byte> RawSignature { get; }

    /// <summary>Gets the PCR bank of <see cref="Pcrs"/>.</summary>
    public TpmAlgorithm Bank { get; }

    /// <summary>Gets the PCR values by index.</summary>
    public ImmutableSortedDictionary<int, ImmutableArray<byte>> Pcrs => _pcrs ?? CreatePcrs();

    /// <summary>Gets the PCR values sorted by index, without copies, for the validation path (read only).</summary>
    internal SortedPcrValues SortedPcrs => _sorted;

    /// <summary>Gets copies of the PCR values in a mutable dictionary (for callers that want their own).</summary>
    internal Dictionary<int, byte[]> PcrArrays() => _sorted.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private ImmutableSortedDictionary<int, ImmutableArray<byte>> CreatePcrs()
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<int, ImmutableArray<byte>>();
        for (var i = 0; i < _sorted.Count; i++)
        {
            builder.Add(_sorted.OrderedIndices[i], ImmutableArray.Create(_sorted.ValueAt(i)));
        }

        // Racing initialisations build equal dictionaries; either may win.
        return Interlocked.CompareExchange(ref _pcrs, builder.ToImmutable(), null) ?? _pcrs;
    }

    internal static VtpmQuote FromProto(Protos.Quote proto) => new(
        proto.Quote_.Span,
        proto.RawSig.Span,
        proto.Pcrs is null ? TpmAlgorithm.Error : (TpmAlgorithm)(ushort)proto.Pcrs.Hash,
        proto.Pcrs is null ? [] : proto.Pcrs.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(checked((int)kv.Key), kv.Value.ToByteArray())));

    internal Protos.Quote ToProto()
    {
        var proto = new Protos.Quote
        {
            Quote_ = Google.Protobuf.ByteString.CopyFrom(Quote.Span),
            RawSig = Google.Protobuf.ByteString.CopyFrom(RawSignature.Span),
            Pcrs = new Protos.PCRs { Hash = (Protos.HashAlgo)(int)Bank },
        };
        foreach (var (index, value) in Pcrs)
        {
            proto.Pcrs.Pcrs.Add((uint)index, Google.Protobuf.ByteString.CopyFrom(value.AsSpan()));
        }

        return proto;
    }


    internal void WriteGoJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (!Quote.IsEmpty)
        {
            writer.WriteBase64String("quote", Quote.Span);
        }

        if (!RawSignature.IsEmpty)
        {
            writer.WriteBase64String("raw_sig", RawSignature.Span);
        }

        writer.WriteStartObject("pcrs");
        if (Bank != TpmAlgorithm.Error)
        {
            writer.WriteNumber("hash", (ushort)Bank);
        }

        if (!Pcrs.IsEmpty)
        {
            writer.WriteStartObject("pcrs");
            foreach (var (index, value) in GoJson.GoMapOrder(Pcrs))
            {
                writer.WriteBase64String(index.ToString(CultureInfo.InvariantCulture), value.AsSpan());
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
