using System.Security.Cryptography;
using System.Text.Json;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// Issue #21's debug acceptance on a real VM: a node booted from the debug image (debugd in its initramfs, the
/// cluster's debug key baked into its cluster archive, so both measured) runs its bootstrapper under debugd;
/// <c>constellation debug deploy</c> attests the node against the debug image's measurements over mutual aTLS,
/// uploads a second build of the bootstrapper, and that build replaces the first and answers. A key the image does
/// not hold is refused and nothing is replaced. (A production-image node refusing the same command is in
/// <see cref="MiniQemuTests"/>.) Category <c>DebugVm</c>: <c>scripts/test.sh</c> builds the debug image and the
/// second bootstrapper and runs this fixture with <c>CONSTELLATION_DEBUG_VM=1</c> (≈ 5 min of Native AOT publishing on
/// two cores); without the variable it filters the category out, and run on its own the fixture fails naming what is
/// missing.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
[Category("DebugVm")]
public class MiniQemuDebugTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(12);
    private string _dir = string.Empty;
    private string _host = string.Empty;

    private string Config => Path.Combine(_dir, "constellation-conf.yaml");

    [OneTimeSetUp]
    public async Task UpAsync()
    {
        Environment.UserName.Should().Be("root", "VM nodes need network namespaces and tap devices");
        var image = VmImage.RequireDebug();
        _dir = Path.Combine(Path.GetTempPath(), "mini-qemu-debug-" + Guid.NewGuid().ToString("N")[..8]);

        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "up", "--qemu", "--vm-image", image, "--nodes", "1", "--no-init", "--json", "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var endpoint = json.RootElement.GetProperty("nodes")[0].GetProperty("initEndpoint").GetString()!;
        _host = endpoint[..endpoint.LastIndexOf(':')];
    }

    [OneTimeTearDown]
    public async Task DownAsync()
    {
        if (Directory.Exists(_dir))
        {
            await CliRunner.RunAsync("mini", "down", "--dir", _dir).WaitAsync(Bound);
        }
    }

    [Test]
    [Order(1)]
    public async Task A_key_the_debug_image_does_not_hold_is_refused_and_nothing_is_replaced()
    {
        var other = Path.Combine(_dir, "other-key");
        (await CliRunner.RunAsync("debug", "key", "--out", other)).ExitCode.Should().Be(0);
        var before = await StatusAsync();

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "debug", "deploy", "--node", _host, "--bootstrapper", VmImage.RequireNextBootstrapper(), "--key", Path.Combine(other, "debug-key.pem"), "--config", Config).WaitAsync(Bound);

        exitCode.Should().NotBe(0, error);
        error.Should().Contain("key");
        (await StatusAsync()).Sha256.Should().Be(before.Sha256, "the image's own bootstrapper still runs");
    }

    [Test]
    [Order(2)]
    public async Task Debug_deploy_replaces_the_bootstrapper_with_the_new_build_which_then_answers()
    {
        var next = VmImage.RequireNextBootstrapper();
        var nextSha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(next)));

        var (exitCode, output, error) = await CliRunner.RunAsync(
            "debug", "deploy", "--node", _host, "--bootstrapper", next, "--key", Path.Combine(_dir, "debug-key.pem"), "--config", Config).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        output.Should().Contain("-> " + nextSha256);
        (await StatusAsync()).Sha256.Should().Be(nextSha256);

        // The new build answers: it logs its build at start, and serves the attested verification API again.
        await EventuallyLogsAsync("starting (build next-build-for-debug-deploy");
        await EventuallyVerifiesAsync();
    }

    /// <summary>
    /// Reads <c>debug logs</c> until it holds <paramref name="expected"/>: deploy returns once the new process runs,
    /// and under TCG its first line comes a moment later.
    /// </summary>
    private async Task EventuallyLogsAsync(string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var (exitCode, output, error) = await CliRunner.RunAsync("debug", "logs", "--node", _host, "--key", Path.Combine(_dir, "debug-key.pem"), "--config", Config).WaitAsync(Bound);
            exitCode.Should().Be(0, error);
            if (output.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the new build should log \"{expected}\"; debug logs printed:\n{output}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task EventuallyVerifiesAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var (exitCode, _, error) = await CliRunner.RunAsync("verify", "--endpoint", _host + ":30081", "--config", Config).WaitAsync(Bound);
            if (exitCode == 0)
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the new build should serve the verification API: {error}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task<(string Sha256, string Output)> StatusAsync()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("debug", "info", "--node", _host, "--key", Path.Combine(_dir, "debug-key.pem"), "--config", Config).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        var line = output.Split('\n').Should().Contain(l => l.Contains("sha256", StringComparison.Ordinal)).Which;
        return (line[(line.IndexOf("sha256", StringComparison.Ordinal) + 7)..].Trim().Split(' ')[0].TrimEnd(','), output);
    }
}
