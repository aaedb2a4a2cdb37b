using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Constellation.Tests;
using Constellation.Tests.MeasuredLaunch;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The local cluster end to end, with real processes, real swtpm and network namespaces (this machine has them: root
/// on Linux; the fixture fails, it does not skip, when it lacks one): <c>mini up --nodes 3</c> returns with three daemons
/// still running, each verifies, a restarted node rejoins with the same disk, a modified build is refused naming PCR 4,
/// a whole-cluster restart is recovered with <c>constellation recover</c>, and <c>mini down</c> leaves no process and
/// no namespace. The node image is published once with <c>scripts/node-image.sh</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class MiniClusterAcceptanceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private string _dir = string.Empty;
    private string _image = string.Empty;
    private JsonElement[] _nodes = [];
    private readonly HashSet<int> _pids = [];

    private string Config => Path.Combine(_dir, "constellation-conf.yaml");

    [OneTimeSetUp]
    public async Task UpAsync()
    {
        foreach (var tool in new[] { "swtpm", "ip", "cryptsetup" })
        {
            new[] { "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/" }.Should().Contain(d => File.Exists(d + tool), $"the README says the local cluster needs {tool} (bash .ci/run installs it)");
        }

        Environment.UserName.Should().Be("root", "network namespaces need root, as the README says");
        _image = await NodeImage.EnsurePublishedAsync();
        _dir = Path.Combine(Path.GetTempPath(), "mini-e2e-" + Guid.NewGuid().ToString("N")[..8]);

        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "up", "--nodes", "3", "--network", "netns", "--json", "--dir", _dir, "--bootstrapper-dir", _image).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        _nodes = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().ToArray();
        Remember();
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
    public void Mini_up_returns_with_three_bootstrapper_processes_still_running_each_in_its_own_namespace()
    {
        _nodes.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1", "node-2");
        _nodes.Select(n => n.GetProperty("role").GetString()).Should().Equal("control-plane", "worker", "worker");
        _nodes.Should().OnlyContain(n => n.GetProperty("verify").GetString() == "ok");
        foreach (var node in _nodes)
        {
            var pid = node.GetProperty("pid").GetInt32();
            MiniProcesses.IsRunning(pid).Should().BeTrue($"{node.GetProperty("name")} (pid {pid}) keeps running after mini up returned");
            File.ReadAllText($"/proc/{pid}/cmdline").Should().Contain("constellation-bootstrapper.dll");
        }

        var namespaces = _nodes.Select(n => NamespaceOf(n.GetProperty("pid").GetInt32())).ToList();
        namespaces.Should().OnlyHaveUniqueItems().And.NotContain(NamespaceOf(Environment.ProcessId));
    }

    [Test]
    [Order(2)]
    public async Task Verify_with_the_clusters_config_succeeds_against_every_node_from_the_host_namespace()
    {
        foreach (var node in _nodes)
        {
            var (exitCode, output, error) = await CliRunner.RunAsync("verify", "--endpoint", node.GetProperty("verifyEndpoint").GetString()!, "--config", Config).WaitAsync(Bound);

            exitCode.Should().Be(0, error);
            output.Should().Contain("attested as qemu-vtpm");
        }
    }

    [Test]
    [Order(3)]
    public async Task The_configs_measurements_are_not_all_zero_and_are_what_the_files_give_independently()
    {
        var yaml = await File.ReadAllTextAsync(Config);
        var measurements = Attestation.Config.ConstellationConfigFile.Parse(yaml).Attestation.Measurements;
        var recomputed = IndependentRecomputation.Pcrs(
            _image, $"constellation-bootstrapper --config {Path.Combine(_dir, "boot", "bootstrapper.json")}", await File.ReadAllBytesAsync(Path.Combine(_dir, "boot", "bootstrapper.json")));

        measurements.Keys.Should().Contain([0u, 4u, 9u, 15u]);
        measurements.Values.Should().Contain(m => m.Expected.Any(b => b != 0));
        foreach (var (index, measurement) in measurements)
        {
            measurement.Expected.ToArray().Should().Equal(recomputed[index], $"PCR {index}");
            measurement.WarnOnly.Should().BeFalse();
        }
    }

    [Test]
    [Order(4)]
    public async Task A_restarted_node_rejoins_with_the_same_state_disk()
    {
        var disk = Path.Combine(_dir, "nodes", "node-2", "state", "state-disk.img");
        var before = await RunAsync("cryptsetup", "luksUUID", disk);

        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "restart", "node-2", "--json", "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        var node = JsonDocument.Parse(output).RootElement.GetProperty("nodes")[0];
        node.GetProperty("verify").GetString().Should().Be("ok");
        _pids.Add(node.GetProperty("pid").GetInt32());
        (await RunAsync("cryptsetup", "luksUUID", disk)).Should().Be(before, "the node unlocked its existing LUKS2 disk instead of formatting a new one");
        (await File.ReadAllTextAsync(Path.Combine(_dir, "nodes", "node-2", "bootstrapper.log"))).Should().Contain("the disk key unlocked the state disk");
    }

    [Test]
    [Order(5)]
    public async Task A_node_from_a_modified_build_is_refused_by_the_join_service_naming_pcr_4()
    {
        var modified = Path.Combine(_dir, "modified-image");
        MiniProcesses.CopyDirectory(_image, modified);
        await File.AppendAllTextAsync(Path.Combine(modified, "constellation-bootstrapper.deps.json"), "\n");

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "add", "--bootstrapper-dir", modified, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(1, error);
        error.Should().Contain("node-3: the join service refused it: PCR 4 differs").And.NotContain("PCR 9");
    }

    [Test]
    [Order(6)]
    public async Task After_every_node_was_stopped_and_started_again_constellation_recover_brings_node_0_back()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "restart", "--all", "--no-wait", "--json", "--dir", _dir).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        var restarted = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().ToArray();
        restarted.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1", "node-2");
        restarted.Select(n => n.GetProperty("pid").GetInt32()).ToList().ForEach(p => _pids.Add(p));
        await WaitForStateAsync("node-0", "recovering");

        var recover = await CliRunner.RunAsync(
            "recover", "--endpoint", _nodes[0].GetProperty("initEndpoint").GetString()!.Replace(":9000", ":9999", StringComparison.Ordinal),
            "--master-secret", Path.Combine(_dir, "constellation-mastersecret.json"), "--config", Config).WaitAsync(Bound);

        recover.ExitCode.Should().Be(0, recover.Error);
        foreach (var name in new[] { "node-0", "node-1", "node-2" })
        {
            await WaitForStateAsync(name, "joined", "initialized");
        }

        (await CliRunner.RunAsync("verify", "--endpoint", _nodes[0].GetProperty("verifyEndpoint").GetString()!, "--config", Config).WaitAsync(Bound)).ExitCode.Should().Be(0);
    }

    [Test]
    [Order(7)]
    public async Task Mini_down_leaves_no_process_and_no_namespace()
    {
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "mini-state.json"))).RootElement;
        var prefix = state.GetProperty("Network").GetProperty("Prefix").GetString()!;
        Remember();
        foreach (var status in Directory.GetFiles(Path.Combine(_dir, "nodes"), "status.json", SearchOption.AllDirectories))
        {
            if (JsonDocument.Parse(await File.ReadAllTextAsync(status)).RootElement.TryGetProperty("clusterServicesPid", out var child))
            {
                _pids.Add(child.GetInt32());
            }
        }

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "down", "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        _pids.Where(MiniProcesses.IsRunning).Should().BeEmpty("mini down stops every daemon, cluster-services child and swtpm it started");
        Directory.EnumerateFileSystemEntries("/run/netns").Select(Path.GetFileName).Should().NotContain(n => n!.StartsWith(prefix, StringComparison.Ordinal));
        (await RunAsync("ip", "-o", "link")).Should().NotContain(prefix);
        Directory.Exists(_dir).Should().BeFalse();
    }

    private static string NamespaceOf(int pid) => new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net").LinkTarget!;

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', args)}: {await error}");
        return (await output).Trim();
    }

    private void Remember()
    {
        var path = Path.Combine(_dir, "mini-state.json");
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var node in JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("Nodes").EnumerateArray())
        {
            foreach (var process in new[] { "Swtpm", "Bootstrapper" })
            {
                if (node.TryGetProperty(process, out var p) && p.ValueKind == JsonValueKind.Object)
                {
                    _pids.Add(p.GetProperty("Pid").GetInt32());
                }
            }
        }
    }

    private async Task WaitForStateAsync(string node, params string[] states)
    {
        var deadline = DateTime.UtcNow + Bound;
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            var (_, output, _) = await CliRunner.RunAsync("mini", "status", "--json", "--dir", _dir);
            state = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == node).GetProperty("state").GetString();
            if (states.Contains(state))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{node}: expected state {string.Join(" or ", states)}, got {state}");
    }
}
