using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// The certificate table a host attaches to an extended SEV-SNP report (GHCB specification §4.1.8.1): entries of a GUID
/// (RFC 4122 byte order), a little-endian offset and length into the table, ended by an all-zero entry. Parsing is
/// strict: the terminator must be present, every entry must lie inside the table, no GUID may repeat. Immutable.
/// </summary>
public sealed class SnpCertificateTable
{
    /// <summary>The GUID of the VCEK entry.</summary>
    public static readonly Guid VcekGuid = new("63da758d-e664-4564-adc5-f4b93be8accd");

    /// <summary>The GUID of the VLEK entry.</summary>
    public static readonly Guid VlekGuid = new("a8074bc2-a25a-483e-aae6-39c045a0b8a1");

    /// <summary>The GUID of the ASK (or ASVK) entry.</summary>
    public static readonly Guid AskGuid = new("4ab7b379-bbac-4fe4-a02f-05aef327c782");

    /// <summary>The GUID of the ARK entry.</summary>
    public static readonly Guid ArkGuid = new("c0b406a4-a803-4952-9743-3fb6014cd0ae");

    private const int EntrySize = 24;
    private readonly Dictionary<Guid, byte[]> _entries;

    private SnpCertificateTable(Dictionary<Guid, byte[]> entries) => _entries = entries;

    /// <summary>Gets the GUIDs the table holds.</summary>
    public IReadOnlyCollection<Guid> Guids => _entries.Keys;

    /// <summary>Parses a table.</summary>
    /// <param name="table">The table bytes (the extended report's certificate buffer; trailing bytes after the entries' data are allowed, the buffer is page-sized).</param>
    /// <returns>The table.</returns>
    /// <exception cref="AttestationFormatException">The table is malformed.</exception>
    public static SnpCertificateTable Parse(ReadOnlySpan<byte> table)
    {
        var entries = new Dictionary<Guid, byte[]>();
        for (var at = 0; ; at += EntrySize)
        {
            if (at + EntrySize > table.Length)
            {
                throw Error($"the entry at offset {at} runs past the end ({table.Length} bytes) before the all-zero terminator");
            }

            var entry = table.Slice(at, EntrySize);
            if (!entry.ContainsAnyExcept((byte)0))
            {
                return new SnpCertificateTable(entries);
            }

            var guid = new Guid(entry[..16], bigEndian: true);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            if ((ulong)offset + length > (ulong)table.Length || length == 0)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"entry {guid}: offset {offset} and length {length} do not lie inside the {table.Length}-byte table"));
            }

            if (!entries.TryAdd(guid, table.Slice((int)offset, (int)length).ToArray()))
            {
                throw Error($"entry {guid} appears twice");
            }
        }
    }

    /// <summary>Gets the DER certificate of an entry.</summary>
    /// <param name="entry">The entry's GUID, e.g. <see cref="VlekGuid"/>.</param>
    /// <param name="certificate">The DER bytes when present.</param>
    /// <returns>Whether the table has the entry.</returns>
    public bool TryGet(Guid entry, out ReadOnlyMemory<byte> certificate)
    {
        var found = _entries.TryGetValue(entry, out var der);
        certificate = found ? der : ReadOnlyMemory<byte>.Empty;
        return found;
    }

    private static AttestationFormatException Error(string message) => new("SEV-SNP certificate table: " + message);
}
