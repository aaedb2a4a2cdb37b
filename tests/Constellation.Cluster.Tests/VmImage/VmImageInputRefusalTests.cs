using Constellation.Cluster.VmImage;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>The prediction refuses inputs its rules do not cover, naming what it expected, instead of guessing.</summary>
public class VmImageInputRefusalTests
{
    [Test]
    public void A_kernel_without_a_bzImage_setup_header_is_refused()
    {
        var compute = () => VmImageMeasurements.ComputePcr4(new byte[4096], initrdSize: 1, memoryMiB: 512);

        compute.Should().Throw<VmImageException>().WithMessage("*expected a bzImage setup header*");
    }

    [Test]
    public async Task Guest_memory_beyond_low_memory_is_refused()
    {
        var image = await VmImageBuild.SharedAsync();
        var kernel = await File.ReadAllBytesAsync(VmImageBuild.Kernel(image));

        var compute = () => VmImageMeasurements.ComputePcr4(kernel, initrdSize: 1, memoryMiB: 4096);

        compute.Should().Throw<VmImageException>().WithMessage("*expected at most 3072 MiB*got 4096 MiB*");
    }

    [Test]
    public async Task An_image_directory_without_its_files_is_refused_naming_the_file()
    {
        var empty = Directory.CreateTempSubdirectory("vm-image-empty-").FullName;
        try
        {
            var compute = () => VmImageMeasurements.ComputeAsync(empty);

            await compute.Should().ThrowAsync<VmImageException>().WithMessage("*expected the file vmlinuz*");
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
