using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Cluster.MeasuredLaunch;

namespace Constellation.Cluster.VmImage;

/// <summary>
/// The measurements of a VM node image computed in advance from its files (docs/qemu.md). PCR 9: the Linux EFI stub
/// extends the SHA-256 of the command line it is given (UTF-16LE with the terminating NUL; under OVMF with QEMU's
/// <c>-kernel</c>/<c>-initrd</c> that is the <c>-append</c> text followed by <see cref="OvmfInitrdOption"/>), then the
/// SHA-256 of the initrd file. PCR 4: OVMF extends the Authenticode digest of the kernel image with the setup header as
/// QEMU patched it (the initrd's size and the guest's memory size go into it), the action "Calling EFI Application from
/// Boot Option" and the separator. PCRs 0–7 otherwise come from the firmware and are recorded from a reference boot
/// (<c>scripts/vm-image-reference.sh</c>). Thread safe: every member is a pure function of its arguments.
/// </summary>
public static class VmImageMeasurements
{
    /// <summary>What OVMF's QEMU kernel loader appends to the command line when an initrd is given.</summary>
    public const string OvmfInitrdOption = " initrd=initrd";

    /// <summary>The image's kernel file name.</summary>
    public const string KernelFileName = "vmlinuz";

    /// <summary>The image's initrd file name.</summary>
    public const string InitrdFileName = "initrd.img";

    /// <summary>The image's file holding the command line given to QEMU with <c>-append</c> (no newline).</summary>
    public const string CommandLineFileName = "cmdline";

    /// <summary>The guest memory the image is booted with unless told otherwise (<c>-m</c>, MiB).</summary>
    public const int DefaultMemoryMiB = 1024;

    private const int BootApplicationPcr = 4;

    private static readonly byte[] SeparatorData = [0, 0, 0, 0];

    /// <summary>The command line the EFI stub sees and measures when QEMU boots OVMF with an initrd.</summary>
    /// <param name="appendedCommandLine">The text given to QEMU with <c>-append</c>.</param>
    /// <returns>The measured command line (without the NUL).</returns>
    public static string MeasuredCommandLine(string appendedCommandLine)
    {
        ArgumentNullException.ThrowIfNull(appendedCommandLine);
        return appendedCommandLine + OvmfInitrdOption;
    }

    /// <summary>The stub's PCR 9 events, in the order they are extended.</summary>
    /// <param name="appendedCommandLine">The text given to QEMU with <c>-append</c>.</param>
    /// <param name="initrd">The initrd file's bytes.</param>
    /// <returns>The events.</returns>
    public static IReadOnlyList<MeasuredBootEvent> CreatePcr9Events(string appendedCommandLine, ReadOnlyMemory<byte> initrd) =>
        [LinuxStubEvents.LoadOptions(MeasuredCommandLine(appendedCommandLine)), LinuxStubEvents.Initrd(initrd)];

    /// <summary>Computes the SHA-256 value of PCR 9 after the stub's events.</summary>
    /// <param name="appendedCommandLine">The text given to QEMU with <c>-append</c>.</param>
    /// <param name="initrd">The initrd file's bytes.</param>
    /// <returns>The 32-byte PCR value.</returns>
    public static byte[] ComputePcr9(string appendedCommandLine, ReadOnlyMemory<byte> initrd) =>
        ExpectedMeasurements.Fold(CreatePcr9Events(appendedCommandLine, initrd), TpmAlgorithm.Sha256)[LinuxStubEvents.Pcr];

    /// <summary>Computes the SHA-256 value of PCR 4 after OVMF loads the kernel QEMU was given with <c>-kernel</c>.</summary>
    /// <param name="kernel">The kernel image file's bytes (a bzImage with an EFI stub).</param>
    /// <param name="initrdSize">The size of the initrd file given with <c>-initrd</c>, in bytes.</param>
    /// <param name="memoryMiB">The guest memory (<c>-m</c>) in MiB; QEMU's initrd address depends on it.</param>
    /// <returns>The 32-byte PCR value.</returns>
    /// <exception cref="VmImageException">The kernel is not a bzImage with an EFI stub, or the sizes do not fit.</exception>
    public static byte[] ComputePcr4(ReadOnlyMemory<byte> kernel, long initrdSize, int memoryMiB = DefaultMemoryMiB)
    {
        var application = PeImageHash.Sha256(QemuLinuxBootHeader.Patch(kernel, initrdSize, memoryMiB));
        var action = new MeasuredBootEvent(BootApplicationPcr, BootEventType.EfiAction, Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option"), Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option"));
        var separator = new MeasuredBootEvent(BootApplicationPcr, BootEventType.Separator, SeparatorData, SeparatorData);
        var pcr = new byte[Measurement.Sha256Length];
        foreach (var digest in new[] { application, action.Digest(TpmAlgorithm.Sha256), separator.Digest(TpmAlgorithm.Sha256) })
        {
            pcr = TpmHash.Compute(TpmAlgorithm.Sha256, [.. pcr, .. digest]);
        }

        return pcr;
    }

    /// <summary>Computes PCRs 4 and 9 of an image directory (its <c>vmlinuz</c>, <c>initrd.img</c> and <c>cmdline</c>).</summary>
    /// <param name="imageDirectory">The directory <c>scripts/vm-image.sh</c> wrote.</param>
    /// <param name="memoryMiB">The guest memory (<c>-m</c>) in MiB.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The two measurements, both enforced.</returns>
    /// <exception cref="VmImageException">A file of the image is missing, unreadable or not what it should be.</exception>
    public static async Task<MeasurementSet> ComputeAsync(string imageDirectory, int memoryMiB = DefaultMemoryMiB, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageDirectory);
        var kernel = await ReadAsync(ImageFile(imageDirectory, KernelFileName), cancellationToken).ConfigureAwait(false);
        var initrd = await ReadAsync(ImageFile(imageDirectory, InitrdFileName), cancellationToken).ConfigureAwait(false);
        var commandLine = await File.ReadAllTextAsync(ImageFile(imageDirectory, CommandLineFileName), cancellationToken).ConfigureAwait(false);
        return new MeasurementSet(
        [
            KeyValuePair.Create(4u, new Measurement(ComputePcr4(kernel, initrd.Length, memoryMiB), warnOnly: false)),
            KeyValuePair.Create(9u, new Measurement(ComputePcr9(commandLine, initrd), warnOnly: false)),
        ]);
    }

    private static string ImageFile(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path)
            ? path
            : throw new VmImageException($"VM image {directory}: expected the file {name} (build the image with scripts/vm-image.sh), found none");
    }

    private static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new VmImageException($"VM image file {path}: expected a readable file, reading failed: {e.Message}", e);
        }
    }
}
