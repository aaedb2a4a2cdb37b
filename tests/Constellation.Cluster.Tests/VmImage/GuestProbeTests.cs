namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// The accelerator probe <c>mini up --qemu</c> boots (<c>rdinit=/probe</c>): the image's /probe reaches user space,
/// says so and powers the VM off at once, starting nothing else.
/// </summary>
[NonParallelizable]
public class GuestProbeTests
{
    [Test]
    public async Task The_probe_prints_its_line_and_powers_off_without_starting_the_node()
    {
        var image = await VmImageBuild.SharedAsync();
        var qemu = QemuGuest.Require("qemu-system-x86_64", "qemu-system-x86");
        using var vm = QemuGuest.Start(
            qemu, "-accel", "tcg", "-m", "512", "-smp", "1", "-nographic", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-net", "none",
            "-bios", QemuGuest.Ovmf, "-kernel", VmImageBuild.Kernel(image), "-initrd", VmImageBuild.Initrd(image), "-append", VmImageBuild.CommandLine(image) + " rdinit=/probe");
        using var timeout = new CancellationTokenSource(QemuGuest.Bound);
        try
        {
            var console = vm.StandardOutput.ReadToEndAsync(timeout.Token);
            await vm.WaitForExitAsync(timeout.Token);
            var text = (await console).Replace("\r", string.Empty, StringComparison.Ordinal);

            vm.ExitCode.Should().Be(0, text);
            text.Should().Contain("CONSTELLATION-VM: probe\n").And.NotContain("CONSTELLATION-VM: init started");
        }
        finally
        {
            QemuGuest.Stop(vm);
        }
    }
}
