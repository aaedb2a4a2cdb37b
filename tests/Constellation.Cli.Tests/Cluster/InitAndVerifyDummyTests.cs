using System.Text.Json;
using Constellation.Cluster.Keys;

namespace Constellation.Cli.Tests.Cluster;

/// <summary><c>constellation init</c> and <c>verify</c> against an in-process dummy-variant node over real aTLS.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InitAndVerifyDummyTests
{
    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(args).WaitAsync(ClusterNodes.Bound);

    [Test]
    public async Task Init_writes_the_kubeconfig_and_master_secret_owner_only_and_the_node_becomes_the_control_plane()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("cp-0");
        var workspace = Path.Combine(nodes.Directory, "workspace");

        var (exitCode, output, error) = await RunAsync("init", "--endpoint", node.InitAddress, "--variant", "dummy", "--init-secret-file", nodes.InitSecretFile, "--workspace", workspace, "--json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var kubeconfig = json.RootElement.GetProperty("kubeconfig").GetString()!;
        var masterSecret = json.RootElement.GetProperty("masterSecret").GetString()!;
        json.RootElement.GetProperty("clusterId").GetString().Should().MatchRegex("^[0-9a-f]{64}$");
        File.GetUnixFileMode(kubeconfig).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(masterSecret).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await File.ReadAllTextAsync(kubeconfig)).Should().Contain("apiVersion");
        (await MasterSecret.ReadFileAsync(masterSecret)).Key.Length.Should().Be(32);
        (await node.Activation.Activated.WaitAsync(ClusterNodes.Bound)).Should().Be(Constellation.Cluster.Bootstrapper.Node.NodeRole.ControlPlane);
    }

    [Test]
    public async Task A_second_init_on_the_same_node_is_refused_with_one_line_and_a_hint()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("cp-0");
        var first = await RunAsync("init", "--endpoint", node.InitAddress, "--variant", "dummy", "--init-secret-file", nodes.InitSecretFile, "--workspace", Path.Combine(nodes.Directory, "a"));
        first.ExitCode.Should().Be(0, first.Error);

        var (exitCode, _, error) = await RunAsync("init", "--endpoint", node.InitAddress, "--variant", "dummy", "--init-secret-file", nodes.InitSecretFile, "--workspace", Path.Combine(nodes.Directory, "b"));

        exitCode.Should().Be(ExitCodes.Rejected);
        error.Trim().Split('\n').Should().ContainSingle();
        error.Should().Contain("already being activated").And.Contain("Hint:");
        File.Exists(Path.Combine(nodes.Directory, "b", "constellation-admin.conf")).Should().BeFalse();
    }

    [Test]
    public async Task Init_refuses_a_workspace_that_already_holds_a_kubeconfig_before_contacting_the_node()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("cp-0");
        var workspace = Directory.CreateDirectory(Path.Combine(nodes.Directory, "used")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workspace, "constellation-admin.conf"), "old cluster");

        var (exitCode, _, error) = await RunAsync("init", "--endpoint", node.InitAddress, "--variant", "dummy", "--init-secret-file", nodes.InitSecretFile, "--workspace", workspace);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("already exists").And.Contain("Hint:");
        node.Activation.Activated.IsCompleted.Should().BeFalse("the node was never asked to initialize");
    }

    [Test]
    public async Task Init_with_a_wrong_init_secret_is_refused_by_the_node()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("cp-0");
        var wrong = Path.Combine(nodes.Directory, "wrong-secret");
        await File.WriteAllTextAsync(wrong, new string('a', 64));

        var (exitCode, _, error) = await RunAsync("init", "--endpoint", node.InitAddress, "--variant", "dummy", "--init-secret-file", wrong, "--workspace", Path.Combine(nodes.Directory, "w"));

        exitCode.Should().Be(ExitCodes.Rejected);
        error.Should().StartWith("init: the node refused:").And.Contain("Hint:");
    }

    [Test]
    public async Task Init_without_a_configuration_names_the_missing_file_and_hints_at_config_generate()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "constellation-conf.yaml");

        var (exitCode, _, error) = await RunAsync("init", "--endpoint", "127.0.0.1:9", "--config", missing, "--init-secret-file", missing);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain(missing).And.Contain("config generate");
    }

    [Test]
    public async Task Verify_prints_the_node_variant_as_json()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("n-0");

        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", node.VerifyGrpcAddress, "--variant", "dummy", "--json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("verified").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("variant").GetString().Should().Be("dummy");
        json.RootElement.GetProperty("endpoint").GetString().Should().Be(node.VerifyGrpcAddress);
    }

    [Test]
    public async Task Verify_of_an_unreachable_node_is_one_line_with_a_hint()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("n-0");
        var endpoint = node.VerifyGrpcAddress;
        await node.DisposeAsync();

        var (exitCode, _, error) = await RunAsync("verify", "--endpoint", endpoint, "--variant", "dummy");

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Trim().Split('\n').Should().ContainSingle();
        error.Should().Contain(endpoint).And.Contain("Hint:");
    }

    [Test]
    public async Task Verify_of_a_dummy_node_as_qemu_vtpm_is_rejected()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("n-0");
        var measurements = Path.Combine(nodes.Directory, "m.json");
        await File.WriteAllTextAsync(measurements, "{\"4\":{\"expected\":\"" + new string('0', 64) + "\",\"warnOnly\":false}}");

        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", node.VerifyGrpcAddress, "--variant", "qemu-vtpm", "--measurements", measurements);

        exitCode.Should().Be(ExitCodes.Rejected, output);
        error.Should().StartWith($"verify: the node at {node.VerifyGrpcAddress} failed verification:");
    }
}
