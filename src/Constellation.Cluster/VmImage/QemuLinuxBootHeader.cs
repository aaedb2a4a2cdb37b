using System;
using System.Buffers.Binary;

namespace Constellation.Cluster.VmImage;

/// <summary>
/// What QEMU (7.2, <c>x86_load_linux</c> on the <c>pc</c> machine) writes into a bzImage's setup header before it hands
/// the kernel to OVMF over fw_cfg — the bytes OVMF then measures into PCR 4. For a kernel of boot protocol 2.12 or later
/// that loads high: the command line address, the loader type, the heap flag and heap end, and the initrd address and
/// size. The initrd address is the highest 4 KiB-aligned one below the guest's low memory minus QEMU's ACPI area, so PCR 4
/// depends on the initrd's size and the guest's memory size, not on the initrd's content.
/// </summary>
internal static class QemuLinuxBootHeader
{
    private const int SetupHeaderMagicOffset = 0x202;
    private const uint SetupHeaderMagic = 0x53726448; // "HdrS"
    private const int ProtocolOffset = 0x206;
    private const int TypeOfLoaderOffset = 0x210;
    private const int LoadFlagsOffset = 0x211;
    private const int RamdiskImageOffset = 0x218;
    private const int RamdiskSizeOffset = 0x21C;
    private const int HeapEndPtrOffset = 0x224;
    private const int InitrdAddrMaxOffset = 0x22C;
    private const int XLoadFlagsOffset = 0x236;
    private const int CmdLinePtrOffset = 0x228;
    private const int MinimumHeaderLength = 0x250;

    private const ushort MinimumProtocol = 0x020C;
    private const byte LoadedHigh = 0x01;
    private const byte CanUseHeap = 0x80;
    private const ushort CanBeLoadedAbove4G = 0x02;
    private const byte QemuLoaderType = 0xB0;
    private const uint RealModeAddress = 0x10000;
    private const uint CommandLineAddress = 0x20000;

    /// <summary>The size of the ACPI tables QEMU reserves at the top of low memory on the pc machine.</summary>
    private const long AcpiDataSize = 0x20000 + 0x8000;

    /// <summary>Where the pc machine's low memory ends at most (RAM above it is mapped above 4 GiB).</summary>
    private const long MaximumLowMemory = 0xC0000000;

    /// <summary>Returns a copy of the kernel image with the setup header as QEMU writes it.</summary>
    /// <param name="kernel">The bzImage.</param>
    /// <param name="initrdSize">The initrd file's size in bytes.</param>
    /// <param name="memoryMiB">The guest's memory (<c>-m</c>) in MiB.</param>
    /// <returns>The patched copy.</returns>
    /// <exception cref="VmImageException">The kernel is not a bzImage this model covers, or the sizes do not fit.</exception>
    public static byte[] Patch(ReadOnlyMemory<byte> kernel, long initrdSize, int memoryMiB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initrdSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryMiB);
        var image = kernel.ToArray();
        if (image.Length < MinimumHeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(SetupHeaderMagicOffset)) != SetupHeaderMagic)
        {
            throw new VmImageException("kernel image: expected a bzImage setup header (\"HdrS\" at 0x202), found none");
        }

        var protocol = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(ProtocolOffset));
        if (protocol < MinimumProtocol || (image[LoadFlagsOffset] & LoadedHigh) == 0)
        {
            throw new VmImageException($"kernel image: expected boot protocol 2.12 or later loading high, found protocol {protocol >> 8}.{protocol & 0xFF}, load flags 0x{image[LoadFlagsOffset]:x2}");
        }

        var memory = memoryMiB * 1024L * 1024L;
        if (memory > MaximumLowMemory)
        {
            throw new VmImageException($"guest memory: expected at most {MaximumLowMemory >> 20} MiB (all of it low memory), got {memoryMiB} MiB");
        }

        // A kernel that can be loaded above 4 GiB takes any 32-bit initrd address, others name their highest one;
        // QEMU caps it below the ACPI area at the top of low memory.
        long initrdMax = (BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(XLoadFlagsOffset)) & CanBeLoadedAbove4G) != 0
            ? uint.MaxValue
            : BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(InitrdAddrMaxOffset));
        initrdMax = Math.Min(initrdMax, memory - AcpiDataSize - 1);
        if (initrdSize >= initrdMax)
        {
            throw new VmImageException($"initrd: expected fewer than {initrdMax} bytes for {memoryMiB} MiB of guest memory, got {initrdSize}");
        }

        var initrdAddress = (initrdMax - initrdSize) & ~4095L;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(CmdLinePtrOffset), CommandLineAddress);
        image[TypeOfLoaderOffset] = QemuLoaderType;
        image[LoadFlagsOffset] |= CanUseHeap;
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(HeapEndPtrOffset), (ushort)(CommandLineAddress - RealModeAddress - 0x200));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(RamdiskImageOffset), (uint)initrdAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(RamdiskSizeOffset), (uint)initrdSize);
        return image;
    }
}
