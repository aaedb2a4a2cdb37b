using Constellation.Tests.Daemons;

namespace Constellation.Bootstrapper.Tests.Configuration;

/// <summary>
/// A bad setting stops <c>constellation-bootstrapper</c> before it serves anything: exit code 2 and exactly one line
/// on standard error naming the setting, what is expected and what was given.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BadConfigurationTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("bootstrapper-config-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string State => Path.Combine(_dir, "state");

    private string[] Valid => ["--variant", "dummy", "--state-directory", State, "--node-name", "node-0", "--init-secret-hash", Daemon.AnyInitSecretHash, "--listen-address", Daemon.Loopback(0)];

    private static IEnumerable<TestCaseData> BadFlags()
    {
        yield return new TestCaseData(new[] { "--listen-adress", "127.0.0.1" }, "\"--listen-adress\"", "unknown argument").SetName("A misspelt flag");
        yield return new TestCaseData(new[] { "--listen-address", "not-an-ip" }, "Bootstrapper:ListenAddress (--listen-address)", "\"not-an-ip\"").SetName("A listen address that is not an IP");
        yield return new TestCaseData(new[] { "--listen-address", "0.0.0.0" }, "Bootstrapper:ListenAddress (--listen-address)", "not a wildcard").SetName("A wildcard listen address");
        yield return new TestCaseData(new[] { "--variant", "aws-sev-snp" }, "Bootstrapper:Tpm (--tpm)", "aws-sev-snp issuing needs the NitroTPM of an EC2 SEV-SNP instance").SetName("A cloud variant without its TPM, with the definition's reason");
        yield return new TestCaseData(new[] { "--variant", "qemu-tdx" }, "Bootstrapper:Variant (--variant)", "qemu-tdx, which it cannot: qemu-tdx").SetName("A variant whose issuer or cluster-ID register this node lacks");
        yield return new TestCaseData(new[] { "--variant", "azure-tdx", "--tpm", "swtpm:tcp:127.0.0.1:9" }, "Bootstrapper:Variant (--variant)", "VariantIssuerServices.AzureImds").SetName("A variant with a TPM that still lacks a service, named");
        yield return new TestCaseData(new[] { "--variant", "qemu-vtpmx" }, "Bootstrapper:Variant (--variant)", "a variant of the registry: dummy, ").SetName("A name that is no variant of the registry");
        yield return new TestCaseData(new[] { "--variant", "qemu-vtpm" }, "Bootstrapper:Tpm (--tpm)", "required for qemu-vtpm").SetName("qemu-vtpm without a TPM");
        yield return new TestCaseData(new[] { "--variant", "qemu-vtpm", "--tpm", "tpm0" }, "Bootstrapper:Tpm (--tpm)", "\"tpm0\"").SetName("A TPM that is neither a device nor swtpm");
        yield return new TestCaseData(new[] { "--tpm", "/dev/tpmrm0" }, "Bootstrapper:Tpm (--tpm)", "no TPM for the dummy variant").SetName("A TPM for the dummy variant");
        yield return new TestCaseData(new[] { "--node-name", "Node_0" }, "Bootstrapper:NodeName (--node-name)", "\"Node_0\"").SetName("A node name that is not DNS-1123");
        yield return new TestCaseData(new[] { "--init-secret-hash", "hunter2" }, "Bootstrapper:InitSecretHash (--init-secret-hash)", "7 characters").SetName("An init secret hash that is not bcrypt");
        yield return new TestCaseData(new[] { "--join-endpoints", "127.0.0.1" }, "Bootstrapper:JoinEndpoints (--join-endpoints)", "\"127.0.0.1\"").SetName("A join endpoint without a port");
        yield return new TestCaseData(new[] { "--vpn", "true" }, "Bootstrapper:Vpn (--vpn)", "true without ClusterStore").SetName("The VPN without the cluster store its peers live in");
        yield return new TestCaseData(new[] { "--vpn-interface", "wg-much-too-long-name" }, "Bootstrapper:VpnInterface (--vpn-interface)", "\"wg-much-too-long-name\"").SetName("A WireGuard interface name longer than the kernel allows");
        yield return new TestCaseData(new[] { "--state-disk-mapping", "../control" }, "Bootstrapper:StateDiskMapping (--state-disk-mapping)", "\"../control\"").SetName("A state disk mapping name that is a path");
        yield return new TestCaseData(new[] { "--init-port", "70000" }, "Bootstrapper:InitPort (--init-port)", "\"70000\"").SetName("A port out of range");
        yield return new TestCaseData(new[] { "--state-disk", "/nonexistent/disk.img" }, "Bootstrapper:StateDisk (--state-disk)", "does not exist").SetName("A state disk outside the state directory that does not exist");
        yield return new TestCaseData(new[] { "--state-disk-size-mib", "5" }, "Bootstrapper:StateDiskSizeMiB (--state-disk-size-mib)", "\"5\"").SetName("A state disk smaller than a LUKS2 header");
        yield return new TestCaseData(new[] { "--control-plane", "--cluster-services-path", "/nonexistent/cs.dll" }, "Bootstrapper:ClusterServicesPath (--cluster-services-path)", "does not exist").SetName("A control plane without the cluster services");
        yield return new TestCaseData(new[] { "--control-plane", "--cluster-services-path", Daemon.ClusterServices }, "Bootstrapper:AttestationConfig (--attestation-config)", "got nothing").SetName("A control plane without a join policy");
        yield return new TestCaseData(new[] { "--attestation-config", "/nonexistent/attestationConfig" }, "Bootstrapper:AttestationConfig (--attestation-config)", "does not exist").SetName("A join policy file that does not exist");
        yield return new TestCaseData(new[] { "--state-directory", "relative/dir" }, "Bootstrapper:StateDirectory (--state-directory)", "\"relative/dir\"").SetName("A relative state directory");
    }

    [TestCaseSource(nameof(BadFlags))]
    public async Task A_bad_flag_exits_2_with_one_line_naming_the_setting(string[] bad, string setting, string actual)
    {
        var daemon = await DaemonProcess.RunAsync(Daemon.Bootstrapper, Override(Valid, bad), Daemon.Bound);

        AssertOneLineRefusal(daemon, setting, actual);
    }

    [Test]
    public async Task A_flag_given_twice_is_refused_unless_it_is_a_list()
    {
        var twice = await DaemonProcess.RunAsync(Daemon.Bootstrapper, [.. Valid, "--node-name", "node-1"], Daemon.Bound);

        AssertOneLineRefusal(twice, "--node-name", "twice");
    }

    [Test]
    public async Task A_required_setting_that_is_missing_is_named()
    {
        var daemon = await DaemonProcess.RunAsync(Daemon.Bootstrapper, ["--variant", "dummy", "--state-directory", State, "--init-secret-hash", Daemon.AnyInitSecretHash], Daemon.Bound);

        AssertOneLineRefusal(daemon, "Bootstrapper:NodeName (--node-name)", "the setting is required");
    }

    [Test]
    public async Task An_unknown_key_in_the_configuration_file_is_named()
    {
        var file = Path.Combine(_dir, "bootstrapper.json");
        await File.WriteAllTextAsync(file, """{"Bootstrapper": {"Variant": "dummy", "NodeNam": "node-0"}}""");

        var daemon = await DaemonProcess.RunAsync(Daemon.Bootstrapper, ["--config", file, .. Valid], Daemon.Bound);

        AssertOneLineRefusal(daemon, "Bootstrapper:NodeNam (--node-nam)", "unknown setting");
    }

    [Test]
    public async Task A_configuration_file_with_another_section_is_refused()
    {
        var file = Path.Combine(_dir, "bootstrapper.json");
        await File.WriteAllTextAsync(file, """{"Bootstrapper": {}, "Bootstraper": {"NodeName": "x"}}""");

        var daemon = await DaemonProcess.RunAsync(Daemon.Bootstrapper, ["--config", file, .. Valid], Daemon.Bound);

        AssertOneLineRefusal(daemon, "--config", "\"Bootstraper\"");
    }

    [Test]
    public async Task A_configuration_file_that_is_not_json_is_refused()
    {
        var file = Path.Combine(_dir, "bootstrapper.json");
        await File.WriteAllTextAsync(file, "Bootstrapper:\n  NodeName: node-0\n");

        var daemon = await DaemonProcess.RunAsync(Daemon.Bootstrapper, ["--config", file, .. Valid], Daemon.Bound);

        AssertOneLineRefusal(daemon, "--config", "not valid JSON");
    }

    [Test]
    public async Task A_bad_environment_variable_is_named_like_its_setting()
    {
        var daemon = await DaemonProcess.RunAsync(
            Daemon.Bootstrapper,
            [.. Valid.Where((_, i) => i < 8)],
            Daemon.Bound,
            new Dictionary<string, string?> { ["CONSTELLATION_BOOTSTRAPPER__LISTENADDRESS"] = "300.1.2.3" });

        AssertOneLineRefusal(daemon, "Bootstrapper:ListenAddress (--listen-address)", "\"300.1.2.3\"");
    }

    private void AssertOneLineRefusal(DaemonProcess daemon, string setting, string actual)
    {
        daemon.ExitCode.Should().Be(2, daemon.Log);
        daemon.ErrorLines.Should().ContainSingle(daemon.Log);
        var line = daemon.ErrorLines[0];
        line.Should().StartWith("constellation-bootstrapper: invalid configuration: ");
        line.Should().Contain(setting).And.Contain("expected").And.Contain(actual);
        daemon.Output.Should().BeEmpty();
        File.Exists(Path.Combine(State, "status.json")).Should().BeFalse("nothing started");
    }

    // The bad flag replaces the valid one of the same name (a flag other than a list flag is given once).
    private static string[] Override(string[] valid, string[] bad)
    {
        var result = new List<string>();
        for (var i = 0; i < valid.Length; i += 2)
        {
            if (!bad.Contains(valid[i]))
            {
                result.Add(valid[i]);
                result.Add(valid[i + 1]);
            }
        }

        return [.. result, .. bad];
    }
}
