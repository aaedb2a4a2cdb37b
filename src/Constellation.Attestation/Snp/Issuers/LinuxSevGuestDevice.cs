using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>The real <c>/dev/sev-guest</c> (Linux <c>sev-guest</c> driver), one open/ioctl/close per request.</summary>
/// <remarks>Thread-safe: no state is shared between calls.</remarks>
public sealed class LinuxSevGuestDevice : ISevGuestDevice
{
    /// <summary>The device path.</summary>
    public const string DefaultPath = "/dev/sev-guest";

    // _IOWR('S', 0x0, struct snp_guest_request_ioctl) with sizeof == 32.
    private const uint SnpGetReport = 0xC0205300;
    private const int ORdWr = 2;

    /// <summary>Creates a device accessor.</summary>
    /// <param name="path">The device path.</param>
    public LinuxSevGuestDevice(string path = DefaultPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>Gets the device path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public int GetReport(ReadOnlySpan<byte> request, Span<byte> response, out uint firmwareError)
    {
        var requestBuffer = request.ToArray();
        var responseBuffer = new byte[response.Length];
        var ioctlBuffer = new byte[32];
        var fd = NativeMethods.Open(Path, ORdWr);
        if (fd < 0)
        {
            firmwareError = 0;
            return Marshal.GetLastPInvokeError();
        }

        var requestHandle = GCHandle.Alloc(requestBuffer, GCHandleType.Pinned);
        var responseHandle = GCHandle.Alloc(responseBuffer, GCHandleType.Pinned);
        var ioctlHandle = GCHandle.Alloc(ioctlBuffer, GCHandleType.Pinned);
        try
        {
            ioctlBuffer[0] = 1; // msg_version
            BinaryPrimitives.WriteUInt64LittleEndian(ioctlBuffer.AsSpan(8), (ulong)requestHandle.AddrOfPinnedObject());
            BinaryPrimitives.WriteUInt64LittleEndian(ioctlBuffer.AsSpan(16), (ulong)responseHandle.AddrOfPinnedObject());
            var rc = NativeMethods.Ioctl(fd, SnpGetReport, ioctlHandle.AddrOfPinnedObject());
            var errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
            firmwareError = BinaryPrimitives.ReadUInt32LittleEndian(ioctlBuffer.AsSpan(24));
            responseBuffer.CopyTo(response);
            return errno;
        }
        finally
        {
            ioctlHandle.Free();
            responseHandle.Free();
            requestHandle.Free();
            _ = NativeMethods.Close(fd);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Ioctl(int fd, nuint request, IntPtr argument);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
