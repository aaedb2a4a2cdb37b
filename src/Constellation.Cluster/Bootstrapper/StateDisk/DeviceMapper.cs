using System;
using System.IO;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>Whether this kernel can map a LUKS2 disk (<c>cryptsetup open</c> needs device-mapper).</summary>
public static class DeviceMapper
{
    /// <summary>
    /// Reads <c>/proc/misc</c>: the kernel lists <c>device-mapper</c> there only when the driver is loaded. A
    /// <c>/dev/mapper/control</c> node alone is not enough (containers have it without the driver).
    /// </summary>
    /// <returns><see langword="true"/> if device-mapper is usable.</returns>
    public static bool IsAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/misc"))
            {
                if (line.AsSpan().Trim().EndsWith(" device-mapper", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return false;
    }
}
