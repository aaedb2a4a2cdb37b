namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The VM image the QEMU cluster tests boot: built once per test run by <c>scripts/test.sh</c> (the Native AOT daemons,
/// <c>scripts/vm-image.sh</c>, the firmware reference of <c>scripts/vm-image-reference.sh</c>) and named by
/// <c>CONSTELLATION_VM_IMAGE</c>. Building it here would publish the daemons again, minutes on two cores.
/// </summary>
internal static class VmImage
{
    public static string Require() => RequireImage("CONSTELLATION_VM_IMAGE");

    /// <summary>The debug image (<c>scripts/vm-image.sh --debug</c>), named by <c>CONSTELLATION_VM_DEBUG_IMAGE</c>.</summary>
    public static string RequireDebug()
    {
        var image = RequireImage("CONSTELLATION_VM_DEBUG_IMAGE");
        File.Exists(Path.Combine(image, "debug-image")).Should().BeTrue($"{image} is a debug image (scripts/vm-image.sh --debug)");
        return image;
    }

    /// <summary>A second Native AOT build of the bootstrapper (another informational version), named by <c>CONSTELLATION_NEXT_BOOTSTRAPPER</c>.</summary>
    public static string RequireNextBootstrapper()
    {
        var path = Environment.GetEnvironmentVariable("CONSTELLATION_NEXT_BOOTSTRAPPER");
        path.Should().NotBeNullOrEmpty("CONSTELLATION_NEXT_BOOTSTRAPPER names the second bootstrapper build (scripts/test.sh publishes it and sets it)");
        File.Exists(path).Should().BeTrue($"{path} exists");
        return path!;
    }

    private static string RequireImage(string variable)
    {
        var image = Environment.GetEnvironmentVariable(variable);
        image.Should().NotBeNullOrEmpty($"{variable} names the VM image (scripts/test.sh builds it and sets it)");
        foreach (var file in new[] { "vmlinuz", "initrd.img", "cmdline", "firmware-measurements.json", "firmware-machine" })
        {
            File.Exists(Path.Combine(image!, file)).Should().BeTrue($"the VM image {image} holds {file} (scripts/vm-image.sh, then scripts/vm-image-reference.sh)");
        }

        return image!;
    }
}
