namespace Constellation.Cli.Tests.Cluster;

/// <summary><c>init</c> and <c>verify</c> refuse a measurements file that expects nothing, before contacting the node.</summary>
public class EmptyMeasurementsCliTests
{
    [TestCase("verify")]
    [TestCase("init")]
    public async Task An_empty_measurements_file_is_unusable_input(string command)
    {
        var dir = Directory.CreateTempSubdirectory("cli-empty-").FullName;
        try
        {
            var measurements = Path.Combine(dir, "measurements.json");
            await File.WriteAllTextAsync(measurements, "{}");
            var secret = Path.Combine(dir, "init-secret");
            await File.WriteAllTextAsync(secret, new string('a', 64));
            string[] args = command == "init"
                ? ["init", "--endpoint", "127.0.0.1:1", "--variant", "qemu-vtpm", "--measurements", measurements, "--init-secret-file", secret, "--workspace", Path.Combine(dir, "ws")]
                : ["verify", "--endpoint", "127.0.0.1:1", "--variant", "qemu-vtpm", "--measurements", measurements];

            var (exitCode, _, error) = await CliRunner.RunAsync(args).WaitAsync(ClusterNodes.Bound);

            exitCode.Should().Be(ExitCodes.UnusableInput, error);
            error.Should().Contain("qemuVTPM.measurements: expected at least one measurement");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
