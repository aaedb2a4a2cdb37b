using System.Text;

namespace Constellation.Tests.VmImage;

/// <summary>
/// Same-size changes to a VM image's files, for the tests that a modified image is measured (and refused) differently:
/// an initramfs byte (PCR 9 moves, PCR 4 does not, since QEMU writes only the initrd's size into the kernel header) and
/// a kernel byte OVMF ignores but the Authenticode digest covers (PCR 4 moves, PCR 9 does not).
/// </summary>
internal static class VmImageTampering
{
    /// <summary>MajorOperatingSystemVersion in the kernel's PE optional header (0x58 + 40): hashed, ignored by OVMF.</summary>
    public const int KernelOsVersionOffset = 0x80;

    /// <summary>Replaces the first occurrence of <paramref name="from"/> in <paramref name="file"/> with <paramref name="to"/> (same length).</summary>
    public static void ReplaceOnce(string file, string from, string to)
    {
        from.Length.Should().Be(to.Length, "the change keeps the file's size");
        var bytes = File.ReadAllBytes(file);
        var at = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        at.Should().BeGreaterThanOrEqualTo(0, $"{file} holds \"{from}\"");
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, at);
        File.WriteAllBytes(file, bytes);
    }

    /// <summary>Flips one bit of the kernel's PE OS version.</summary>
    public static void ChangeKernel(string kernel)
    {
        var bytes = File.ReadAllBytes(kernel);
        bytes[KernelOsVersionOffset] ^= 0x01;
        File.WriteAllBytes(kernel, bytes);
    }
}
