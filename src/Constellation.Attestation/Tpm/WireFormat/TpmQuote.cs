using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// One TPM2_Quote as go-tpm-tools' <c>tpm.Quote</c> carries it: the signed TPMS_ATTEST bytes, the TPMT_SIGNATURE bytes
/// and the PCR values of one bank that the quote claims to cover. Unverified data; immutable.
/// </summary>
public sealed class TpmQuote
{
    private readonly SortedPcrValues _sorted;
    private ImmutableSortedDictionary<int, ImmutableArray<byte>>? _pcrs;

    /// <summary>Creates a quote entry.</summary>
    /// <param name="quote">TPMS_ATTEST bytes.</param>
    /// <param name="rawSignature">TPMT_SIGNATURE bytes.</param>
    /// <param name="bank">The PCR bank (<c>pcrs.hash</c>; TPM algorithm numbers: sha1 4, sha256 11, sha384 12, sha512 13).</param>
    /// <param name="pcrs">PCR values by index.</param>
    public TpmQuote(ReadOnlySpan<byte> quote, ReadOnlySpan<byte> rawSignature, TpmAlgorithm bank, IEnumerable<KeyValuePair<int, byte[]>> pcrs)
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
    internal TpmQuote(ReadOnlyMemory<byte> quote, ReadOnlyMemory<byte> rawSignature, TpmAlgorithm bank, SortedPcrValues pcrs)
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
}
