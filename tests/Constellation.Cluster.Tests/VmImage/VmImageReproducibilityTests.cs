using Constellation.Tests;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// <c>scripts/vm-image.sh</c> gives the same bytes from the same inputs (so the image's measurements are stable), and it
/// refuses a kernel package whose hash is not the pinned one, or that was never fetched.
/// </summary>
[NonParallelizable]
public class VmImageReproducibilityTests
{
    [Test]
    public async Task A_kernel_package_with_another_hash_is_refused()
    {
        var shared = await VmImageBuild.SharedAsync();
        var cache = Directory.CreateTempSubdirectory("vm-image-cache-").FullName;
        var output = Directory.CreateTempSubdirectory("vm-image-refused-").FullName;
        try
        {
            var deb = Directory.GetFiles(TestData.Repository("artifacts/vm-image-cache"), "linux-image-*.deb").Should().ContainSingle().Which;
            var tampered = Path.Combine(cache, Path.GetFileName(deb));
            File.Copy(deb, tampered);
            await File.AppendAllTextAsync(tampered, "!");

            var build = () => VmImageBuild.RunAsync(TestData.Repository("scripts/vm-image.sh"), new Dictionary<string, string> { ["VM_IMAGE_CACHE"] = cache }, output);

            (await build.Should().ThrowAsync<AssertionException>()).Which.Message
                .Should().Contain("expected SHA-256 14d219d01e1283261817d961dbb3895cb5b4288d0de10e0ba0632a0d993e15bf").And.Contain("refusing it");
            Directory.GetFiles(output).Should().BeEmpty("nothing is built from a refused kernel package");
            File.Exists(VmImageBuild.Kernel(shared)).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
            Directory.Delete(output, recursive: true);
        }
    }

    [Test]
    public async Task Without_the_fetched_kernel_package_the_build_stops_and_names_the_fetch_script_instead_of_downloading()
    {
        var cache = Directory.CreateTempSubdirectory("vm-image-cache-empty-").FullName;
        var output = Directory.CreateTempSubdirectory("vm-image-unfetched-").FullName;
        try
        {
            var build = () => VmImageBuild.RunAsync(TestData.Repository("scripts/vm-image.sh"), new Dictionary<string, string> { ["VM_IMAGE_CACHE"] = cache }, output);

            (await build.Should().ThrowAsync<AssertionException>()).Which.Message
                .Should().Contain("is missing; fetch it once with scripts/vm-image-fetch.sh");
            Directory.GetFiles(cache).Should().BeEmpty("the build never downloads");
            Directory.GetFiles(output).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
            Directory.Delete(output, recursive: true);
        }
    }

    [Test]
    public async Task Building_the_image_twice_gives_byte_identical_files()
    {
        var first = await VmImageBuild.SharedAsync();
        var second = await VmImageBuild.BuildAsync();
        try
        {
            foreach (var name in new[] { "vmlinuz", "initrd.img", "cmdline", "inputs.txt" })
            {
                VmImageBuild.Sha256(Path.Combine(second, name)).Should().Be(VmImageBuild.Sha256(Path.Combine(first, name)), name);
            }
        }
        finally
        {
            Directory.Delete(second, recursive: true);
        }
    }
}
