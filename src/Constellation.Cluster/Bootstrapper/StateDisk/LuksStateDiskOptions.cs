namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>Where the LUKS2 state disk is and how cryptsetup handles it.</summary>
public sealed class LuksStateDiskOptions
{
    /// <summary>Gets or sets the block device or image file (at least 16 MiB for the LUKS2 header).</summary>
    public string DevicePath { get; set; } = string.Empty;

    /// <summary>Gets or sets the device-mapper name used when mapping (<c>/dev/mapper/&lt;name&gt;</c>).</summary>
    public string MappingName { get; set; } = "state";

    /// <summary>Gets or sets the cryptsetup executable.</summary>
    public string CryptsetupPath { get; set; } = "cryptsetup";

    /// <summary>
    /// Gets or sets whether to map the disk (<c>cryptsetup open</c>) once the key is proven. Needs device-mapper;
    /// machines without it (containers, CI) only format and test the key.
    /// </summary>
    public bool MapAfterUnlock { get; set; } = true;

    /// <summary>
    /// Gets or sets the PBKDF2 iteration count of the key slot. The key is 256 random bits, not a human passphrase,
    /// so a slow KDF adds no strength; pbkdf2 with few iterations avoids Argon2's gigabyte of memory per unlock.
    /// </summary>
    public int Pbkdf2Iterations { get; set; } = 1000;
}
