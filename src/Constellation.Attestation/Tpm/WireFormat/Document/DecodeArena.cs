using System;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// One array that receives every byte string decoded from one vTPM document, handed out as slices: a document is
/// decoded with one allocation for its bytes instead of one per field and per PCR value.
/// </summary>
/// <remarks>
/// Base64 decodes to at most three quarters of its text, the strings of a JSON document are disjoint parts of it, and
/// the reader decodes each string at most once, so <c>3/4</c> of the document's length always suffices. Every slice
/// covers only bytes that were written, and bytes once handed out are never written again. Slices keep the whole
/// array alive, and through any of them the whole array (only this document's decoded bytes) is reachable. Not
/// thread-safe: one reader owns it.
/// </remarks>
internal sealed class DecodeArena
{
    private readonly byte[] _buffer;
    private int _used;

    // Zeroed on purpose: MemoryMarshal.TryGetArray reaches the whole array through any slice, and stale heap bytes
    // must never be reachable from a document.
    public DecodeArena(int documentLength) => _buffer = new byte[(documentLength / 4 * 3) + 3];

    /// <summary>Gets the offset of the next byte to be written.</summary>
    public int Position => _used;

    /// <summary>Gets the unwritten rest (the decoder writes here, then calls <see cref="Commit"/>).</summary>
    public Span<byte> Free => _buffer.AsSpan(_used);

    /// <summary>Hands out the next <paramref name="length"/> bytes just written to <see cref="Free"/>.</summary>
    public ReadOnlyMemory<byte> Commit(int length)
    {
        if ((uint)length > (uint)(_buffer.Length - _used))
        {
            // Unreachable by the bound above; failing closed beats handing out unwritten bytes.
            throw new InvalidOperationException("vTPM document decoder: decoded bytes exceed three quarters of the document");
        }

        var slice = new ReadOnlyMemory<byte>(_buffer, _used, length);
        _used += length;
        return slice;
    }

    /// <summary>Copies bytes decoded elsewhere (the general Base64 decoder's result) in.</summary>
    public ReadOnlyMemory<byte> Add(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            throw new InvalidOperationException("vTPM document decoder: decoded bytes exceed three quarters of the document");
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        return Commit(bytes.Length);
    }

    /// <summary>Gets how many bytes written from <paramref name="start"/> on fit.</summary>
    public int RoomFrom(int start) => _buffer.Length - start;

    /// <summary>
    /// Gets bytes past <see cref="Position"/> to be written in any order (a PCR map places values at their final
    /// positions); they are handed out only after <see cref="Advance"/>.
    /// </summary>
    public Span<byte> Unhanded(int start, int length)
    {
        if (start < _used)
        {
            throw new InvalidOperationException("vTPM document decoder: bytes already handed out cannot be rewritten");
        }

        return _buffer.AsSpan(start, length);
    }

    /// <summary>Marks everything before <paramref name="end"/> as written (the caller wrote all of it).</summary>
    public void Advance(int end)
    {
        if (end < _used || end > _buffer.Length)
        {
            throw new InvalidOperationException("vTPM document decoder: invalid arena position");
        }

        _used = end;
    }

    /// <summary>Gets a slice of written bytes as one value.</summary>
    public ReadOnlyMemory<byte> Slice(int start, int length) =>
        start + length <= _used ? new(_buffer, start, length) : throw new InvalidOperationException("vTPM document decoder: slice of unwritten bytes");
}
