using System.Diagnostics;
using System.Security.Cryptography;
using Constellation.Cluster.VmImage;
using Constellation.Tests;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>Builds VM images with the repository's <c>scripts/vm-image.sh</c> into fresh temporary directories.</summary>
internal static class VmImageBuild
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    /// <summary>The variable naming the image <c>scripts/test.sh</c> builds once (with the Native AOT daemons it publishes).</summary>
    public const string ImageVariable = "CONSTELLATION_VM_IMAGE";

    /// <summary>
    /// The image shared by the fixtures that only read it: the one <c>scripts/test.sh</c> built into
    /// <c>artifacts/vm-image</c> (publishing the AOT daemons takes minutes). Fails loudly when it is missing.
    /// </summary>
    public static Task<string> SharedAsync()
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable);
        if (string.IsNullOrEmpty(image))
        {
            throw new AssertionException(
                $"{ImageVariable} is not set: run scripts/test.sh, or publish the daemons with scripts/vm-image-daemons.sh, build the image with scripts/vm-image.sh OUT and set {ImageVariable}=OUT");
        }

        foreach (var name in new[] { VmImageMeasurements.KernelFileName, VmImageMeasurements.InitrdFileName, VmImageMeasurements.CommandLineFileName })
        {
            if (!File.Exists(Path.Combine(image, name)))
            {
                throw new AssertionException($"{ImageVariable}={image} is not a VM image: {name} is missing (scripts/vm-image.sh builds one)");
            }
        }

        return Task.FromResult(image);
    }

    public static async Task<string> BuildAsync()
    {
        var output = Directory.CreateTempSubdirectory("vm-image-").FullName;
        await RunAsync(TestData.Repository("scripts/vm-image.sh"), output);
        return output;
    }

    public static Task RunAsync(string script, params string[] arguments) => RunAsync(script, new Dictionary<string, string>(), arguments);

    public static async Task RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new AssertionException($"bash {script} did not start");
        using var timeout = new CancellationTokenSource(Bound);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.ExitCode.Should().Be(0, $"{script} should succeed; stdout: {await stdout}\nstderr: {await stderr}");
    }

    /// <summary>A copy of an image in a fresh directory, so a test can modify files without touching the shared image.</summary>
    public static string Copy(string image)
    {
        var copy = Directory.CreateTempSubdirectory("vm-image-copy-").FullName;
        foreach (var name in new[] { VmImageMeasurements.KernelFileName, VmImageMeasurements.InitrdFileName, VmImageMeasurements.CommandLineFileName })
        {
            File.Copy(Path.Combine(image, name), Path.Combine(copy, name));
        }

        return copy;
    }

    public static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    public static string Kernel(string image) => Path.Combine(image, VmImageMeasurements.KernelFileName);

    public static string Initrd(string image) => Path.Combine(image, VmImageMeasurements.InitrdFileName);

    public static string CommandLine(string image) => File.ReadAllText(Path.Combine(image, VmImageMeasurements.CommandLineFileName));
}
