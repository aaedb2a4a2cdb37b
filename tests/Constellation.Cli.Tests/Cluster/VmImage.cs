namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The VM image the QEMU cluster tests boot: built once per test run by <c>scripts/test.sh</c> (the Native AOT daemons,
/// <c>scripts/vm-image.sh</c>, the firmware reference of <c>scripts/vm-image-reference.sh</c>) and named by
/// <c>CONSTELLATION_VM_IMAGE</c>. Building it here would publish the daemons again, minutes on two cores.
/// </summary>
internal static class VmImage
{
    public static string Require()
    {
        var image = Environment.GetEnvironmentVariable("CONSTELLATION_VM_IMAGE");
        image.Should().NotBeNullOrEmpty("CONSTELLATION_VM_IMAGE names the VM image (scripts/test.sh builds it and sets it)");
        foreach (var file in new[] { "vmlinuz", "initrd.img", "cmdline", "firmware-measurements.json", "firmware-machine" })
        {
            File.Exists(Path.Combine(image!, file)).Should().BeTrue($"the VM image {image} holds {file} (scripts/vm-image.sh, then scripts/vm-image-reference.sh)");
        }

        return image!;
    }
}
