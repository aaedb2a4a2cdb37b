namespace Constellation.Cli.Commands.Cluster;

/// <summary>How a cluster's VM nodes run (<c>mini up --qemu</c>), recorded in <c>mini-state.json</c>.</summary>
internal sealed class MiniVmSettings
{
    /// <summary>The guest memory every node gets: PCR 4 depends on it (QEMU writes the initrd address into the kernel's header).</summary>
    public const int DefaultMemoryMiB = Constellation.Cluster.VmImage.VmImageMeasurements.DefaultMemoryMiB;

    /// <summary>Gets or sets the base image the cluster's nodes boot by default (<c>scripts/vm-image.sh</c>'s output).</summary>
    public string ImageDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the accelerator, <c>kvm</c> or <c>tcg</c>, decided once by trying KVM.</summary>
    public string Accelerator { get; set; } = "tcg";

    /// <summary>Gets or sets why KVM is not used (null with KVM).</summary>
    public string? WhyNotKvm { get; set; }

    /// <summary>Gets or sets the guest memory in MiB.</summary>
    public int MemoryMiB { get; set; } = DefaultMemoryMiB;
}
