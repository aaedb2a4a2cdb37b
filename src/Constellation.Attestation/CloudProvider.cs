namespace Constellation.Attestation;

/// <summary>
/// The infrastructure a Constellation cluster runs on. Numeric values match Constellation's.
/// </summary>
public enum CloudProvider
{
    /// <summary>Unknown or unsupported provider.</summary>
    Unknown = 0,

    /// <summary>Amazon Web Services.</summary>
    Aws = 1,

    /// <summary>Microsoft Azure.</summary>
    Azure = 2,

    /// <summary>Google Cloud Platform.</summary>
    Gcp = 3,

    /// <summary>OpenStack (including STACKIT).</summary>
    OpenStack = 4,

    /// <summary>Local QEMU virtual machines.</summary>
    Qemu = 5,
}
