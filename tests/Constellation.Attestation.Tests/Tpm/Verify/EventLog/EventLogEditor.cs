using System.Buffers.Binary;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm.Verify.EventLog;

/// <summary>
/// Edits a crypto-agile TCG event log record by record, the way an attacker with the raw bytes can: change event data,
/// types or PCR indices without touching the digests, or write an honest record whose digests are computed over its
/// data. Sequence numbers are the parser's (0 is the Spec ID header, events start at 1). Test-only; no validation.
/// </summary>
internal sealed class EventLogEditor
{
    private readonly byte[] _header;
    private readonly List<Record> _records;

    private EventLogEditor(byte[] header, IReadOnlyList<TpmAlgorithm> banks, List<Record> records)
    {
        _header = header;
        Banks = banks;
        _records = records;
    }

    /// <summary>Gets the banks the Spec ID header lists, in header order.</summary>
    public IReadOnlyList<TpmAlgorithm> Banks { get; }

    /// <summary>Gets the number of events (without the header).</summary>
    public int Count => _records.Count;

    public static EventLogEditor Open(byte[] log)
    {
        var offset = 8 + 20;
        var headerSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset));
        offset += 4;
        var spec = log.AsSpan(offset, headerSize);
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(spec[24..]);
        var sizes = new Dictionary<TpmAlgorithm, int>();
        var banks = new List<TpmAlgorithm>();
        for (var i = 0; i < count; i++)
        {
            var algorithm = (TpmAlgorithm)BinaryPrimitives.ReadUInt16LittleEndian(spec[(28 + (i * 4))..]);
            sizes[algorithm] = BinaryPrimitives.ReadUInt16LittleEndian(spec[(30 + (i * 4))..]);
            banks.Add(algorithm);
        }

        offset += headerSize;
        var header = log[..offset];
        var records = new List<Record>();
        while (offset < log.Length)
        {
            var pcr = BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset + 4));
            var digestCount = BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset + 8));
            offset += 12;
            var digests = new List<(TpmAlgorithm, byte[])>();
            for (var i = 0; i < digestCount; i++)
            {
                var algorithm = (TpmAlgorithm)BinaryPrimitives.ReadUInt16LittleEndian(log.AsSpan(offset));
                offset += 2;
                digests.Add((algorithm, log.AsSpan(offset, sizes[algorithm]).ToArray()));
                offset += sizes[algorithm];
            }

            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset));
            offset += 4;
            records.Add(new Record(pcr, type, digests, log.AsSpan(offset, size).ToArray()));
            offset += size;
        }

        return new EventLogEditor(header, banks, records);
    }

    /// <summary>Gets a copy of an event's data.</summary>
    public byte[] DataOf(int sequence) => (byte[])At(sequence).Data.Clone();

    /// <summary>Gets an event's type.</summary>
    public uint TypeOf(int sequence) => At(sequence).Type;

    /// <summary>XORs one byte of an event's data; the digests stay as they are.</summary>
    public EventLogEditor FlipData(int sequence, int index, byte mask = 0x01)
    {
        At(sequence).Data[index] ^= mask;
        return this;
    }

    /// <summary>Replaces an event's data; the digests stay as they are.</summary>
    public EventLogEditor SetData(int sequence, byte[] data)
    {
        At(sequence).Data = (byte[])data.Clone();
        return this;
    }

    /// <summary>Changes an event's type; the digests stay as they are.</summary>
    public EventLogEditor SetType(int sequence, uint type)
    {
        At(sequence).Type = type;
        return this;
    }

    /// <summary>Replaces one bank's digest of an event.</summary>
    public EventLogEditor SetDigest(int sequence, TpmAlgorithm bank, byte[] digest)
    {
        var record = At(sequence);
        var i = record.Digests.FindIndex(d => d.Bank == bank);
        record.Digests[i] = (bank, digest);
        return this;
    }

    /// <summary>Recomputes every digest of an event over its data, as honest firmware writes it.</summary>
    public EventLogEditor Rehash(int sequence)
    {
        var record = At(sequence);
        record.Digests = record.Digests.Select(d => (d.Bank, TpmHash.Compute(d.Bank, record.Data))).ToList();
        return this;
    }

    /// <summary>Removes an event.</summary>
    public EventLogEditor Remove(int sequence)
    {
        _records.RemoveAt(sequence - 1);
        return this;
    }

    /// <summary>Appends an event whose digests (every header bank) are the hashes of its data.</summary>
    public EventLogEditor Append(uint pcr, uint type, byte[] data)
    {
        _records.Add(new Record(pcr, type, Banks.Select(b => (b, TpmHash.Compute(b, data))).ToList(), (byte[])data.Clone()));
        return this;
    }

    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        stream.Write(_header);
        Span<byte> word = stackalloc byte[4];
        foreach (var record in _records)
        {
            WriteUInt32(stream, record.Pcr);
            WriteUInt32(stream, record.Type);
            WriteUInt32(stream, (uint)record.Digests.Count);
            foreach (var (bank, digest) in record.Digests)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)bank);
                stream.Write(word[..2]);
                stream.Write(digest);
            }

            WriteUInt32(stream, (uint)record.Data.Length);
            stream.Write(record.Data);
        }

        return stream.ToArray();
    }

    public EventLogEditor Clone() =>
        new(_header, Banks, _records.Select(r => new Record(r.Pcr, r.Type, r.Digests.Select(d => (d.Bank, (byte[])d.Digest.Clone())).ToList(), (byte[])r.Data.Clone())).ToList());

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private Record At(int sequence) => _records[sequence - 1];

    private sealed class Record(uint pcr, uint type, List<(TpmAlgorithm Bank, byte[] Digest)> digests, byte[] data)
    {
        public uint Pcr { get; } = pcr;

        public uint Type { get; set; } = type;

        public List<(TpmAlgorithm Bank, byte[] Digest)> Digests { get; set; } = digests;

        public byte[] Data { get; set; } = data;
    }
}
