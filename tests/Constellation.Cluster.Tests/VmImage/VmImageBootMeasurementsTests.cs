using Constellation.Attestation;
using Constellation.Cluster.VmImage;
using Constellation.Tests;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// One boot of the image under QEMU TCG with OVMF and swtpm: the PCRs the guest reads from its TPM equal those computed
/// in advance from the image files (PCR 4 and 9) and those the reference boot recorded for the firmware (0–3, 5–7).
/// </summary>
[NonParallelizable]
public class VmImageBootMeasurementsTests
{
    private string _image = string.Empty;
    private GuestBoot _boot = null!;
    private MeasurementSet _predicted = null!;

    [OneTimeSetUp]
    public async Task BootOnce()
    {
        _image = await VmImageBuild.SharedAsync();
        _predicted = await VmImageMeasurements.ComputeAsync(_image);
        _boot = await QemuGuest.BootAsync(VmImageBuild.Kernel(_image), VmImageBuild.Initrd(_image), VmImageBuild.CommandLine(_image));
        TestContext.Progress.WriteLine($"VM image boot (TCG, OVMF, swtpm) took {_boot.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public void The_guest_measures_the_predicted_pcr_9() =>
        _boot.Pcrs[9].Should().Equal(_predicted[9].Expected, "PCR 9 = command line + \" initrd=initrd\" (UTF-16LE, NUL) then the initrd file");

    [Test]
    public void The_guest_measures_the_predicted_pcr_4() =>
        _boot.Pcrs[4].Should().Equal(_predicted[4].Expected, "PCR 4 = the kernel with QEMU's setup header, the boot-option action, the separator");

    [Test]
    public void The_guest_saves_its_tpm_state_before_it_stops() =>
        _boot.Console.Should().Contain("CONSTELLATION-VM: TPM2_Shutdown(STATE) response 80010000000a00000000");

    [Test]
    public async Task The_firmware_pcrs_equal_those_the_reference_boot_recorded()
    {
        var copy = VmImageBuild.Copy(_image);
        try
        {
            await VmImageBuild.RunAsync(TestData.Repository("scripts/vm-image-reference.sh"), copy);
            var firmware = MeasurementJson.Parse(await File.ReadAllTextAsync(Path.Combine(copy, "firmware-measurements.json")));

            firmware.Keys.Should().BeEquivalentTo(new uint[] { 0, 1, 2, 3, 5, 6, 7 });
            foreach (var pcr in firmware.Keys)
            {
                _boot.Pcrs[(int)pcr].Should().Equal(firmware[pcr].Expected, $"PCR {pcr}");
            }
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
