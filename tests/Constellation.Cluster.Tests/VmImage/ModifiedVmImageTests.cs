using Constellation.Tests.VmImage;
using Constellation.Cluster.VmImage;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// A modified image boots to other measurements than the original's prediction: one changed byte of the initramfs moves
/// PCR 9 (and, with the size unchanged, not PCR 4); one changed byte of the kernel moves PCR 4 (and not PCR 9). The
/// measured values still equal the prediction from the modified files, so the rule, not luck, explains both.
/// </summary>
[NonParallelizable]
public class ModifiedVmImageTests
{
    [Test]
    public async Task A_modified_initramfs_is_measured_into_pcr_9_and_misses_the_original_prediction()
    {
        var image = await VmImageBuild.SharedAsync();
        var original = await VmImageMeasurements.ComputeAsync(image);
        var copy = VmImageBuild.Copy(image);
        try
        {
            VmImageTampering.ReplaceOnce(VmImageBuild.Initrd(copy), "CONSTELLATION-VM: stopping", "CONSTELLATION-VM: Stopping");
            var modified = await VmImageMeasurements.ComputeAsync(copy);

            var boot = await QemuGuest.BootAsync(VmImageBuild.Kernel(copy), VmImageBuild.Initrd(copy), VmImageBuild.CommandLine(copy));

            boot.Console.Should().Contain("CONSTELLATION-VM: Stopping", "the modified initramfs is the one that ran");
            boot.Pcrs[9].Should().NotEqual(original[9].Expected).And.Equal(modified[9].Expected);
            boot.Pcrs[4].Should().Equal(original[4].Expected, "an initrd of the same size leaves the kernel's header as it was");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public async Task A_modified_kernel_is_measured_into_pcr_4_and_misses_the_original_prediction()
    {
        var image = await VmImageBuild.SharedAsync();
        var original = await VmImageMeasurements.ComputeAsync(image);
        var copy = VmImageBuild.Copy(image);
        try
        {
            VmImageTampering.ChangeKernel(VmImageBuild.Kernel(copy));
            var modified = await VmImageMeasurements.ComputeAsync(copy);

            var boot = await QemuGuest.BootAsync(VmImageBuild.Kernel(copy), VmImageBuild.Initrd(copy), VmImageBuild.CommandLine(copy));

            boot.Pcrs[4].Should().NotEqual(original[4].Expected).And.Equal(modified[4].Expected);
            boot.Pcrs[9].Should().Equal(original[9].Expected, "the command line and initrd are unchanged");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
