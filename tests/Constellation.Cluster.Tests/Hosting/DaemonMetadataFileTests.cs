using System.Text.Json;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Tests.Hosting;

/// <summary>
/// A daemon's <c>--metadata</c> file is per-node host input nobody measured (a VM's metadata disk): it may set only the
/// daemon's metadata keys, never a key the measured <c>--config</c> file sets; what it sets loses to the environment
/// and the flags and wins over nothing it may not touch.
/// </summary>
public class DaemonMetadataFileTests
{
    private const string Section = BootstrapperDaemonSettings.Section;
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("daemon-metadata-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [TestCase("Variant")]
    [TestCase("InitSecretHash")]
    [TestCase("AttestationConfig")]
    [TestCase("StateDisk")]
    [TestCase("Tpm")]
    public void A_metadata_key_outside_the_daemons_list_is_refused_naming_it(string key)
    {
        var metadata = Write("metadata.json", new Dictionary<string, object> { [key] = "x" });

        var build = () => Build(["--metadata", metadata]);

        build.Should().Throw<ClusterConfigurationException>()
            .WithMessage($"*{Section}:{key}*only the per-node settings NodeName, ListenAddress, ControlPlane, JoinEndpoints, ControlPlaneNodeNames*");
    }

    [Test]
    public void A_metadata_key_that_the_config_file_also_sets_is_refused_naming_it()
    {
        var config = Write("boot.json", new Dictionary<string, object> { ["Variant"] = "qemu-vtpm", ["NodeName"] = "measured" });
        var metadata = Write("metadata.json", new Dictionary<string, object> { ["NodeName"] = "host" });

        var build = () => Build(["--config", config, "--metadata", metadata]);

        build.Should().Throw<ClusterConfigurationException>().WithMessage($"*{Section}:NodeName*the --config file does not set*");
    }

    [Test]
    public void A_metadata_file_with_another_section_is_refused()
    {
        var metadata = Path.Combine(_dir, "metadata.json");
        File.WriteAllText(metadata, """{"Bootstrapper": {"NodeName": "n"}, "Other": {"Variant": "dummy"}}""");

        var build = () => Build(["--metadata", metadata]);

        build.Should().Throw<ClusterConfigurationException>().WithMessage("--metadata: expected a JSON object with one member \"Bootstrapper\"*\"Other\"*");
    }

    [Test]
    public void A_missing_or_invalid_metadata_file_is_refused_naming_the_flag()
    {
        var invalid = Path.Combine(_dir, "invalid.json");
        File.WriteAllText(invalid, "{ not json");

        ((Action)(() => Build(["--metadata", Path.Combine(_dir, "absent.json")]))).Should().Throw<ClusterConfigurationException>().WithMessage("--metadata: expected an existing JSON file*absent.json*");
        ((Action)(() => Build(["--metadata", invalid]))).Should().Throw<ClusterConfigurationException>().WithMessage("--metadata: expected a JSON file*not valid JSON*");
    }

    [Test]
    public void The_metadata_flag_is_given_once()
    {
        var metadata = Write("metadata.json", new Dictionary<string, object> { ["NodeName"] = "n" });

        var build = () => Build(["--metadata", metadata, "--metadata", metadata]);

        build.Should().Throw<ClusterConfigurationException>().WithMessage("--metadata: expected the flag once*");
    }

    [Test]
    public void A_daemon_without_metadata_keys_does_not_take_the_flag()
    {
        var metadata = Write("metadata.json", new Dictionary<string, object> { ["NodeName"] = "n" });

        var build = () => DaemonConfiguration.Build(["--metadata", metadata], Section, BootstrapperDaemonSettings.Keys, BootstrapperDaemonSettings.ListKeys, NoEnvironment);

        build.Should().Throw<ClusterConfigurationException>().WithMessage("\"--metadata\": expected --config <file> or one of the flags*an unknown argument");
    }

    [Test]
    public void The_metadata_file_sets_the_per_node_keys_beside_the_measured_config()
    {
        var config = Write("boot.json", new Dictionary<string, object> { ["Variant"] = "qemu-vtpm", ["RetryIntervalSeconds"] = 1 });
        var metadata = Write("metadata.json", new Dictionary<string, object>
        {
            ["NodeName"] = "node-1", ["ControlPlane"] = true, ["JoinEndpoints"] = new[] { "10.0.0.1:9000", "10.0.0.2:9000" },
        });

        var section = Build(["--config", config, "--metadata", metadata]).GetSection(Section);

        section["Variant"].Should().Be("qemu-vtpm");
        section["NodeName"].Should().Be("node-1");
        section["ControlPlane"].Should().Be("True");
        new DaemonSettings(section, BootstrapperDaemonSettings.Keys).List("JoinEndpoints").Should().Equal("10.0.0.1:9000", "10.0.0.2:9000");
    }

    [TestCase(false, false, "metadata-node")]
    [TestCase(false, true, "env-node")]
    [TestCase(true, true, "flag-node")]
    public void The_environment_and_the_flags_win_over_the_metadata_file(bool flag, bool environment, string expected)
    {
        var metadata = Write("metadata.json", new Dictionary<string, object> { ["NodeName"] = "metadata-node" });
        string[] args = flag ? ["--metadata", metadata, "--node-name", "flag-node"] : ["--metadata", metadata];
        var env = environment ? new Dictionary<string, string?> { ["CONSTELLATION_BOOTSTRAPPER__NodeName"] = "env-node" } : NoEnvironment;

        var configuration = DaemonConfiguration.Build(args, Section, BootstrapperDaemonSettings.Keys, BootstrapperDaemonSettings.ListKeys, BootstrapperDaemonSettings.MetadataKeys, env);

        configuration.GetSection(Section)["NodeName"].Should().Be(expected);
    }

    private static Microsoft.Extensions.Configuration.IConfigurationRoot Build(string[] args) =>
        DaemonConfiguration.Build(args, Section, BootstrapperDaemonSettings.Keys, BootstrapperDaemonSettings.ListKeys, BootstrapperDaemonSettings.MetadataKeys, NoEnvironment);

    private string Write(string name, Dictionary<string, object> settings)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object> { [Section] = settings }));
        return path;
    }
}
