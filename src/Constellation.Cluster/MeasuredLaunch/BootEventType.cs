namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>The TCG PC Client event types the measured launch records (TCG PC Client Platform Firmware Profile, §10.4.1).</summary>
public static class BootEventType
{
    /// <summary>EV_POST_CODE: a firmware component (here a stand-in whose digest is over its description).</summary>
    public const uint PostCode = 0x00000001;

    /// <summary>EV_SEPARATOR: the end of the pre-OS measurements of a PCR (data and digest input: four zero bytes).</summary>
    public const uint Separator = 0x00000004;

    /// <summary>EV_EVENT_TAG: a tagged event (the Linux EFI stub's load options and initrd).</summary>
    public const uint EventTag = 0x00000006;

    /// <summary>EV_S_CRTM_VERSION: the version of the static root of trust for measurement.</summary>
    public const uint SCrtmVersion = 0x00000008;

    /// <summary>EV_PLATFORM_CONFIG_FLAGS: platform configuration.</summary>
    public const uint PlatformConfigFlags = 0x0000000A;

    /// <summary>EV_EFI_BOOT_SERVICES_APPLICATION: a UEFI application loaded by the boot manager.</summary>
    public const uint EfiBootServicesApplication = 0x80000003;

    /// <summary>EV_EFI_ACTION: an action string (digest over the ASCII string without a terminator).</summary>
    public const uint EfiAction = 0x80000007;
}
