using System;
using System.Buffers.Binary;
using System.Text;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// The two PCR 9 events of the Linux EFI stub (kernel 6.1): the load options (the command line as UTF-16LE with its
/// terminating NUL) and the initrd file, each an EV_EVENT_TAG. Shared by the process nodes' launch and the VM image's
/// predicted measurements, so both follow one rule.
/// </summary>
internal static class LinuxStubEvents
{
    /// <summary>The PCR the stub extends.</summary>
    public const int Pcr = 9;

    /// <summary>The Linux EFI stub's tag of the load-options event.</summary>
    private const uint LoadOptionsTag = 0x8F3B22ED;

    /// <summary>The Linux EFI stub's tag of the initrd event.</summary>
    private const uint InitrdTag = 0x8F3B22EC;

    /// <summary>The event of the load options.</summary>
    /// <param name="commandLine">The command line exactly as the stub sees it (without the NUL).</param>
    /// <returns>The event.</returns>
    public static MeasuredBootEvent LoadOptions(string commandLine) =>
        new(Pcr, BootEventType.EventTag, TaggedEvent(LoadOptionsTag, "LOADED_IMAGE::LoadOptions"), Encoding.Unicode.GetBytes(commandLine + "\0"));

    /// <summary>The event of the initrd.</summary>
    /// <param name="initrd">The initrd file's bytes.</param>
    /// <returns>The event.</returns>
    public static MeasuredBootEvent Initrd(ReadOnlyMemory<byte> initrd) =>
        new(Pcr, BootEventType.EventTag, TaggedEvent(InitrdTag, "Linux initrd"), initrd);

    /// <summary>TCG_PCClientTaggedEvent: the tag, the size of the description, the description (ASCII with NUL).</summary>
    private static byte[] TaggedEvent(uint tag, string description)
    {
        var text = Encoding.ASCII.GetBytes(description + "\0");
        var data = new byte[8 + text.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(data, tag);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), (uint)text.Length);
        text.CopyTo(data, 8);
        return data;
    }
}
