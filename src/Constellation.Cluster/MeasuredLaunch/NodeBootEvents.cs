using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// The event rules of a node's measured launch (docs/hosts.md, "Measured node launch"): a fixed firmware part in PCRs
/// 0–7, the boot application (the bootstrapper's files) in PCR 4, the Linux EFI stub's load options and initrd (the
/// command line and the configuration file) in PCR 9, and the exit from boot services in PCR 5. Everything is a function
/// of the inputs, so the expected measurements are computed before a node starts.
/// </summary>
public static class NodeBootEvents
{
    /// <summary>The CRTM version string (UTF-16LE with a terminating NUL in the event).</summary>
    public const string FirmwareVersion = "Constellation.NET mini firmware 1";

    private static readonly byte[] SeparatorData = [0, 0, 0, 0];

    /// <summary>Builds the events in the order they are extended.</summary>
    /// <param name="inputs">What the node boots.</param>
    /// <returns>The events.</returns>
    public static IReadOnlyList<MeasuredBootEvent> Create(NodeBootInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var events = new List<MeasuredBootEvent>
        {
            Plain(0, BootEventType.SCrtmVersion, Utf16WithNul(FirmwareVersion)),
            Plain(0, BootEventType.PostCode, Encoding.ASCII.GetBytes("POST CODE: constellation-mini firmware volume")),
            Plain(1, BootEventType.PlatformConfigFlags, Encoding.ASCII.GetBytes("constellation-mini platform configuration")),
            Plain(7, BootEventType.Separator, SeparatorData),
            Plain(4, BootEventType.EfiAction, Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option")),
        };
        for (var pcr = 0; pcr <= 6; pcr++)
        {
            events.Add(Plain(pcr, BootEventType.Separator, SeparatorData));
        }

        events.Add(new MeasuredBootEvent(4, BootEventType.EfiBootServicesApplication, ImageLoadEvent(inputs.Image.Bytes.Length), inputs.Image.Bytes));
        events.Add(LinuxStubEvents.LoadOptions(inputs.CommandLine));
        events.Add(LinuxStubEvents.Initrd(inputs.Configuration));
        events.Add(Plain(5, BootEventType.EfiAction, Encoding.ASCII.GetBytes("Exit Boot Services Invocation")));
        events.Add(Plain(5, BootEventType.EfiAction, Encoding.ASCII.GetBytes("Exit Boot Services Returned with Success")));
        return events;
    }

    private static MeasuredBootEvent Plain(int pcr, uint type, byte[] data) => new(pcr, type, data, data);

    private static byte[] Utf16WithNul(string text) => Encoding.Unicode.GetBytes(text + "\0");

    /// <summary>UEFI_IMAGE_LOAD_EVENT: location 0, length of the image, link-time address 0, an empty device path.</summary>
    private static byte[] ImageLoadEvent(int length)
    {
        var data = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), (ulong)length);
        return data;
    }
}
