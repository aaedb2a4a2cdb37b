using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace Constellation.Cluster.VmImage;

/// <summary>
/// The Authenticode digest of a PE image, which UEFI firmware extends into PCR 4 for a boot application (Microsoft PE
/// Authenticode specification, "Calculating the PE Image Hash"): the headers without the checksum and the certificate
/// table entry, the sections in file order, and any data after them except the certificate table. The COFF and optional
/// headers are read with <see cref="PEHeaders"/>; the section table is read here at the offset SizeOfOptionalHeader
/// gives, because <see cref="PEHeaders"/> assumes 16 data directories and misreads the Linux EFI stub's table (it has
/// fewer). .NET has no public API for the digest itself.
/// </summary>
internal static class PeImageHash
{
    private const int ChecksumOffsetInOptionalHeader = 64;
    private const int DataDirectoriesOffsetPe32 = 96;
    private const int DataDirectoriesOffsetPe32Plus = 112;
    private const int CertificateTableIndex = 4;
    private const int DataDirectoryEntrySize = 8;
    private const int SectionHeaderSize = 40;
    private const int SizeOfRawDataOffset = 16;
    private const int PointerToRawDataOffset = 20;

    /// <summary>Computes the SHA-256 Authenticode digest.</summary>
    /// <param name="image">The image's bytes.</param>
    /// <returns>The 32-byte digest.</returns>
    /// <exception cref="VmImageException">The bytes are not a PE image.</exception>
    public static byte[] Sha256(ReadOnlyMemory<byte> image)
    {
        var headers = ReadHeaders(image);
        var pe = headers.PEHeader ?? throw new VmImageException("kernel image: expected a PE optional header (an EFI stub), found none");
        var bytes = image.Span;
        var checksum = headers.PEHeaderStartOffset + ChecksumOffsetInOptionalHeader;
        var certificateEntry = headers.PEHeaderStartOffset
            + (pe.Magic == PEMagic.PE32Plus ? DataDirectoriesOffsetPe32Plus : DataDirectoriesOffsetPe32)
            + (CertificateTableIndex * DataDirectoryEntrySize);
        if (pe.SizeOfHeaders > bytes.Length || certificateEntry + DataDirectoryEntrySize > pe.SizeOfHeaders)
        {
            throw new VmImageException($"kernel image: expected headers within the file ({bytes.Length} bytes), SizeOfHeaders is {pe.SizeOfHeaders}");
        }

        if (pe.NumberOfRvaAndSizes <= CertificateTableIndex)
        {
            throw new VmImageException($"kernel image: expected a certificate-table data directory (more than {CertificateTableIndex} directories), found {pe.NumberOfRvaAndSizes}");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes[..checksum]);
        hash.AppendData(bytes[(checksum + 4)..certificateEntry]);
        hash.AppendData(bytes[(certificateEntry + DataDirectoryEntrySize)..pe.SizeOfHeaders]);
        long hashed = pe.SizeOfHeaders;
        foreach (var (pointer, size) in Sections(bytes, headers).Where(s => s.Size > 0).OrderBy(s => s.Pointer))
        {
            if ((long)pointer + size > bytes.Length)
            {
                throw new VmImageException($"kernel image: expected its sections within the file ({bytes.Length} bytes), one ends at {(long)pointer + size}");
            }

            hash.AppendData(bytes.Slice((int)pointer, (int)size));
            hashed += size;
        }

        var end = bytes.Length - pe.CertificateTableDirectory.Size;
        if (end > hashed)
        {
            hash.AppendData(bytes[(int)hashed..end]);
        }

        return hash.GetHashAndReset();
    }

    private static List<(uint Pointer, uint Size)> Sections(ReadOnlySpan<byte> bytes, PEHeaders headers)
    {
        var table = headers.PEHeaderStartOffset + headers.CoffHeader.SizeOfOptionalHeader;
        var count = headers.CoffHeader.NumberOfSections;
        if (table + ((long)count * SectionHeaderSize) > bytes.Length)
        {
            throw new VmImageException($"kernel image: expected {count} section headers within the file ({bytes.Length} bytes)");
        }

        var sections = new List<(uint Pointer, uint Size)>(count);
        for (var i = 0; i < count; i++)
        {
            var header = bytes.Slice(table + (i * SectionHeaderSize), SectionHeaderSize);
            sections.Add((BinaryPrimitives.ReadUInt32LittleEndian(header[PointerToRawDataOffset..]), BinaryPrimitives.ReadUInt32LittleEndian(header[SizeOfRawDataOffset..])));
        }

        return sections;
    }

    private static PEHeaders ReadHeaders(ReadOnlyMemory<byte> image)
    {
        try
        {
            using var stream = new MemoryStream(image.ToArray(), writable: false);
            return new PEHeaders(stream);
        }
        catch (BadImageFormatException e)
        {
            throw new VmImageException($"kernel image: expected a PE image (an EFI stub), reading its headers failed: {e.Message}", e);
        }
    }
}
