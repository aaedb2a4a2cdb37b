using Constellation.Cli.Commands;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The cluster and aTLS commands take any variant of the registry; one they cannot serve on this machine is refused
/// before anything starts, with the variant's own reason (the missing service, or that the library has no issuer) and a
/// hint, instead of a list of variants written into the command.
/// </summary>
public class UnservableVariantTests
{
    [Test]
    public async Task Mini_refuses_a_variant_whose_nodes_cannot_issue_on_a_software_tpm_naming_what_they_would_need()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mini-" + Guid.NewGuid().ToString("N"));

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "up", "--nodes", "1", "--variant", "qemu-tdx", "--dir", dir).WaitAsync(ClusterNodes.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("mini up: --variant qemu-tdx: a local cluster's nodes cannot issue it")
            .And.Contain("VariantIssuerServices.TdxQuotes").And.Contain("Hint:");
        Directory.Exists(dir).Should().BeFalse("nothing starts for a variant that cannot run");
    }

    [Test]
    public async Task Atls_serve_refuses_a_variant_whose_evidence_this_machine_cannot_provide_naming_what_is_missing()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("atls", "serve", "--variant", "aws-sev-snp", "--port", "0").WaitAsync(ClusterNodes.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("aws-sev-snp issuing needs").And.Contain("VariantIssuerServices.").And.Contain("Hint:");
    }

    [Test]
    public async Task Atls_probe_needs_the_measurements_of_every_variant_that_measures_something()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", "127.0.0.1:9", "--variant", "qemu-vtpm").WaitAsync(ClusterNodes.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("--variant qemu-vtpm: the measurements to expect are missing");
    }

    [Test]
    public async Task Init_refuses_a_variant_whose_validator_this_cli_cannot_build_before_contacting_the_node()
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var measurements = Path.Combine(nodes.Directory, "m.json");
        await File.WriteAllTextAsync(measurements, "{\"4\":{\"expected\":\"" + new string('a', 64) + "\",\"warnOnly\":false}}");

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "init", "--endpoint", "127.0.0.1:9", "--variant", "gcp-sev-es", "--measurements", measurements,
            "--init-secret-file", nodes.InitSecretFile, "--workspace", Path.Combine(nodes.Directory, "ws")).WaitAsync(ClusterNodes.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("init: variant gcp-sev-es: gcp-sev-es validation needs an IGceShieldedIdentityClient").And.Contain("Hint:");
        Directory.Exists(Path.Combine(nodes.Directory, "ws")).Should().BeFalse("no master secret is written for a node that cannot be validated");
    }
}
