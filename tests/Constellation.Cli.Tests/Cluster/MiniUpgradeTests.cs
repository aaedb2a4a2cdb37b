using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// Issue #20's upgrade acceptance on a real local cluster (real processes, swtpm, network namespaces, a three-member
/// etcd; qemu-vtpm): three control planes, each running an etcd member and a cluster-services replica. A second build
/// (the node image with one file added, so PCR 4 differs) is refused; its measurements (<c>mini measurements</c>),
/// signed with a key this test makes, are applied with <c>upgrade apply</c> through one replica's admin API; then the
/// new build is admitted through each of the other replicas and an old build is refused by every replica, naming
/// PCR 4 — and no bootstrapper or cluster-services process of the running control planes was restarted.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class MiniUpgradeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private static readonly string[] ControlPlanes = ["node-0", "node-1", "node-2"];
    private readonly ECDsa _signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private string _dir = string.Empty;
    private string _oldImage = string.Empty;
    private string _newImage = string.Empty;
    private Dictionary<string, (int Bootstrapper, int ClusterServices)> _processes = [];

    private string Config => Path.Combine(_dir, "constellation-conf.yaml");

    private string NewMeasurements => Path.Combine(_dir, "upgrade", "measurements.json");

    [OneTimeSetUp]
    public async Task UpAsync()
    {
        foreach (var tool in new[] { "swtpm", "ip", "etcd", "wireguard-go", "wg" })
        {
            new[] { "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/local/bin/" }.Should().Contain(d => File.Exists(d + tool), $"the local cluster needs {tool}");
        }

        Environment.UserName.Should().Be("root", "network namespaces need root");
        _oldImage = await NodeImage.EnsurePublishedAsync();
        _dir = Path.Combine(Path.GetTempPath(), "mini-up-" + Guid.NewGuid().ToString("N")[..8]);
        _newImage = _dir + "-new-image";
        MiniProcesses.CopyDirectory(_oldImage, _newImage);
        await File.WriteAllTextAsync(Path.Combine(_newImage, "release-notes.txt"), "the next build\n");

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "mini", "up", "--nodes", "3", "--control-planes", "3", "--network", "netns", "--json", "--dir", _dir, "--bootstrapper-dir", _oldImage).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        _processes = await ControlPlaneProcessesAsync();
    }

    [OneTimeTearDown]
    public async Task DownAsync()
    {
        _signingKey.Dispose();
        if (Directory.Exists(_dir))
        {
            await CliRunner.RunAsync("mini", "down", "--dir", _dir).WaitAsync(Bound);
        }

        if (Directory.Exists(_newImage))
        {
            Directory.Delete(_newImage, recursive: true);
        }
    }

    [Test]
    [Order(1)]
    public async Task Mini_measurements_of_the_clusters_own_build_are_the_measurements_it_runs_with()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "measurements", "--bootstrapper-dir", _oldImage, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        var file = ImageMeasurements.Parse(Encoding.UTF8.GetBytes(output));
        file.Version.Should().Be(ConstellationConfigFile.DefaultImage);
        file.Find(CloudProvider.Qemu, AttestationVariant.QemuVtpm)!.Measurements.Equals(ConfiguredMeasurements()).Should().BeTrue("the same computation mini up published");
    }

    [Test]
    [Order(2)]
    public async Task Mini_measurements_of_the_new_build_differ_in_pcr_4_only()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(NewMeasurements)!);

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "measurements", "--bootstrapper-dir", _newImage, "--out", NewMeasurements, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        var measurements = ImageMeasurements.Parse(await File.ReadAllBytesAsync(NewMeasurements)).Find(CloudProvider.Qemu, AttestationVariant.QemuVtpm)!.Measurements;
        var current = ConfiguredMeasurements();
        measurements.Keys.Should().BeEquivalentTo(current.Keys);
        measurements.Keys.Where(i => !measurements[i].Expected.ToArray().SequenceEqual(current[i].Expected.ToArray())).Should().Equal(4u);
    }

    [Test]
    [Order(3)]
    public async Task Before_the_upgrade_a_node_from_the_new_build_is_refused_naming_pcr_4()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "add", "--bootstrapper-dir", _newImage, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(1, error);
        error.Should().Contain("the join service refused it: PCR 4 differs").And.NotContain("PCR 9");
    }

    [Test]
    [Order(4)]
    public async Task Upgrade_apply_refuses_the_new_measurements_unsigned_and_with_another_keys_signature_and_changes_nothing()
    {
        var config = await File.ReadAllBytesAsync(Config);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var unsigned = await UpgradeApplyAsync("node-0");
        await File.WriteAllBytesAsync(NewMeasurements + ".sig", Sign(await File.ReadAllBytesAsync(NewMeasurements), otherKey));
        var forged = await UpgradeApplyAsync("node-0");

        unsigned.ExitCode.Should().Be(ExitCodes.UnusableInput, unsigned.Error);
        unsigned.Error.Should().Contain("--signature").And.Contain(NewMeasurements + ".sig");
        forged.ExitCode.Should().Be(ExitCodes.Rejected, forged.Error);
        forged.Error.Should().Contain("measurements rejected").And.Contain("signature");
        (await File.ReadAllBytesAsync(Config)).Should().Equal(config, "nothing was applied");
        (await CliRunner.RunAsync("mini", "add", "--bootstrapper-dir", _newImage, "--join-via", "node-1", "--dir", _dir).WaitAsync(Bound)).ExitCode
            .Should().Be(1, "the cluster still refuses the new build");
    }

    [Test]
    [Order(5)]
    public async Task Upgrade_apply_with_the_signed_new_measurements_succeeds_through_one_replica()
    {
        await File.WriteAllBytesAsync(NewMeasurements + ".sig", Sign(await File.ReadAllBytesAsync(NewMeasurements), _signingKey));

        var (exitCode, output, error) = await UpgradeApplyAsync("node-0", "--json");

        exitCode.Should().Be(0, error);
        JsonDocument.Parse(output).RootElement.GetProperty("signatureVerified").GetBoolean().Should().BeTrue();
        ConfiguredMeasurements()[4].Expected.ToArray().Should().Equal(
            ImageMeasurements.Parse(await File.ReadAllBytesAsync(NewMeasurements)).Entries[0].Measurements[4].Expected.ToArray(), "the config now holds what the cluster admits");
    }

    [TestCase("node-1")]
    [TestCase("node-2")]
    [Order(6)]
    public async Task After_the_upgrade_a_node_from_the_new_build_is_admitted_through_a_replica_the_policy_was_not_applied_on(string replica)
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "add", "--bootstrapper-dir", _newImage, "--join-via", replica, "--json", "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(0, error);
        var node = JsonDocument.Parse(output).RootElement.GetProperty("nodes")[0];
        node.GetProperty("verify").GetString().Should().Be("ok", "the node attests with the new measurements");
        (await MiniStatusAsync()).Single(n => n.GetProperty("name").GetString() == node.GetProperty("name").GetString()).GetProperty("state").GetString().Should().Be("joined");
    }

    [TestCase("node-0")]
    [TestCase("node-1")]
    [TestCase("node-2")]
    [Order(7)]
    public async Task After_the_upgrade_a_node_from_the_old_build_is_refused_by_every_replica_naming_pcr_4(string replica)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "add", "--bootstrapper-dir", _oldImage, "--join-via", replica, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().Be(1, error);
        error.Should().Contain("the join service refused it: PCR 4 differs").And.NotContain("PCR 9");
        var refused = error[(error.IndexOf("mini add: ", StringComparison.Ordinal) + "mini add: ".Length)..].Split(':')[0];
        var address = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "mini-state.json"))).RootElement.GetProperty("Nodes").EnumerateArray()
            .Single(n => n.GetProperty("Name").GetString() == refused).GetProperty("Address").GetString();
        (await ReadLogAsync(replica)).Should().MatchRegex($@"aTLS (client|handshake with) {System.Text.RegularExpressions.Regex.Escape(address!)}:\d+ rejected: .*at index 4", $"{replica} refused {refused} itself");
    }

    [Test]
    [Order(8)]
    public async Task No_bootstrapper_or_cluster_services_process_of_the_control_planes_was_restarted()
    {
        var now = await ControlPlaneProcessesAsync();

        now.Should().Equal(_processes);
        now.Values.Should().OnlyContain(p => MiniProcesses.IsRunning(p.Bootstrapper) && MiniProcesses.IsRunning(p.ClusterServices));
    }

    private static byte[] Sign(byte[] data, ECDsa key) =>
        Encoding.ASCII.GetBytes(Convert.ToBase64String(key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    private Task<(int ExitCode, string Output, string Error)> UpgradeApplyAsync(string replica, params string[] extra)
    {
        var address = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "mini-state.json"))).RootElement.GetProperty("Nodes").EnumerateArray()
            .Single(n => n.GetProperty("Name").GetString() == replica).GetProperty("Address").GetString();
        return CliRunner.RunAsync([
            "upgrade", "apply", "--measurements", NewMeasurements, "--config", Config, "--kubeconfig", Path.Combine(_dir, "constellation-admin.conf"),
            "--endpoint", $"{address}:30092", "--public-key", _signingKey.ExportSubjectPublicKeyInfoPem(), .. extra]).WaitAsync(Bound);
    }

    private MeasurementSet ConfiguredMeasurements() => ConstellationConfigFile.Parse(File.ReadAllText(Config)).Attestation.Measurements;

    private async Task<string> ReadLogAsync(string node)
    {
        await using var stream = new FileStream(Path.Combine(_dir, "nodes", node, "bootstrapper.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private async Task<JsonElement[]> MiniStatusAsync()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "status", "--json", "--dir", _dir).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().ToArray();
    }

    /// <summary>Each control plane's bootstrapper PID (<c>mini status</c>) and cluster-services PID (its <c>status.json</c>).</summary>
    private async Task<Dictionary<string, (int Bootstrapper, int ClusterServices)>> ControlPlaneProcessesAsync()
    {
        var processes = new Dictionary<string, (int, int)>();
        foreach (var node in (await MiniStatusAsync()).Where(n => ControlPlanes.Contains(n.GetProperty("name").GetString())))
        {
            var name = node.GetProperty("name").GetString()!;
            using var status = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "nodes", name, "state", "status.json")));
            processes[name] = (node.GetProperty("pid").GetInt32(), status.RootElement.GetProperty("clusterServicesPid").GetInt32());
        }

        processes.Keys.Should().BeEquivalentTo(ControlPlanes);
        return processes;
    }
}
