using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cli.Commands;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// <c>constellation verify --variant</c> accepts every variant of the registry: it builds the variant's validator with
/// what the CLI offers (KDS, PCS, MAA, EC2 clients) and validates the node's answer with it — here a dummy node's, which
/// every other variant's validator refuses. Only where the CLI cannot build the validator (no GCE credentials, an
/// unresolved azure-tdx config; azure-trustedlaunch pins the built-in ameroot) it refuses before contacting the node, naming what is missing, with
/// a hint. Before the registry, every variant but dummy and qemu-vtpm was refused as "validates dummy and qemu-vtpm
/// nodes only".
/// </summary>
public class VerifyEveryVariantTests
{
    // name, expected exit code, what the error must say. From the brief and the spec, not from the library.
    private static readonly object[][] Table =
    [
        ["dummy", ExitCodes.Success, "OK:"],
        ["aws-nitro-tpm", ExitCodes.Rejected, "failed verification"],
        ["aws-sev-snp", ExitCodes.Rejected, "failed verification"],
        ["gcp-sev-es", ExitCodes.UnusableInput, "gcp-sev-es validation needs an IGceShieldedIdentityClient"],
        ["gcp-sev-snp", ExitCodes.UnusableInput, "gcp-sev-snp validation needs an IGceShieldedIdentityClient"],
        ["azure-sev-snp", ExitCodes.Rejected, "failed verification"],
        ["azure-trustedlaunch", ExitCodes.Rejected, "failed verification"],
        ["azure-tdx", ExitCodes.UnusableInput, "still \"latest\""],
        ["qemu-vtpm", ExitCodes.Rejected, "failed verification"],
        ["qemu-tdx", ExitCodes.Rejected, "failed verification"],
    ];

    private static IEnumerable<TestCaseData> Rows() => Table.Select(r => new TestCaseData(r[0], r[1], r[2]).SetArgDisplayNames((string)r[0]));

    [Test]
    public void The_table_covers_every_variant_of_the_registry()
    {
        Table.Select(r => (string)r[0]).Should().Equal(AttestationVariantRegistry.Default.Variants.Select(v => v.Name));
    }

    [TestCaseSource(nameof(Rows))]
    public async Task Verify_accepts_the_variant_and_validates_with_it_or_says_what_is_missing(string name, int exitCode, string says)
    {
        await using var nodes = await ClusterNodes.CreateAsync();
        var node = await nodes.StartDummyAsync("n-0");
        var definition = AttestationVariantRegistry.Default.Parse(name);
        var args = new List<string> { "verify", "--endpoint", node.VerifyGrpcAddress, "--variant", name };
        if (definition.RequiresMeasurements)
        {
            var file = Path.Combine(nodes.Directory, "measurements.json");
            var index = definition.ClusterIdRegister!.Value == 15 ? 4 : 0;
            await File.WriteAllTextAsync(file, $"{{\"{index}\":{{\"expected\":\"{new string('a', definition.MeasurementLength * 2)}\",\"warnOnly\":false}}}}");
            args.AddRange(["--measurements", file]);
        }

        var (code, output, error) = await CliRunner.RunAsync([.. args]).WaitAsync(ClusterNodes.Bound);

        code.Should().Be(exitCode, error + output);
        (output + error).Should().Contain(says);
        if (exitCode == ExitCodes.UnusableInput)
        {
            // Refused before contacting the node: the one line names the variant, what is missing, and what to do.
            (error.Contains($"verify: variant {name}: ", StringComparison.Ordinal) || error.Contains($"verify: attestation config for {name}: ", StringComparison.Ordinal))
                .Should().BeTrue(error);
            error.Trim().Split('\n').Should().ContainSingle();
            error.Should().Contain("Hint:");
        }
    }

    [Test]
    public async Task Variants_json_says_for_each_variant_whether_it_can_be_validated_and_issued_here_and_why_not()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("variants", "--json");

        exitCode.Should().Be(0);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        rows.Keys.Should().Equal(AttestationVariantRegistry.Default.Variants.Select(v => v.Name));
        foreach (var row in rows.Values)
        {
            foreach (var operation in new[] { "validator", "issuer" })
            {
                var capability = row.GetProperty(operation);
                if (!capability.GetProperty("available").GetBoolean())
                {
                    capability.GetProperty("reason").GetString().Should().StartWith(row.GetProperty("name").GetString());
                }
            }
        }

        rows["qemu-vtpm"].GetProperty("validator").GetProperty("available").GetBoolean().Should().BeTrue();
        rows["dummy"].GetProperty("issuer").GetProperty("available").GetBoolean().Should().BeTrue();
        rows["gcp-sev-es"].GetProperty("validator").GetProperty("reason").GetString().Should().Contain("IGceShieldedIdentityClient");
        // The library has an issuer for every variant; on this machine aws-sev-snp lacks what its evidence comes from.
        rows["aws-sev-snp"].GetProperty("issuer").GetProperty("supported").GetBoolean().Should().BeTrue();
        rows["aws-sev-snp"].GetProperty("issuer").GetProperty("reason").GetString().Should().Contain("aws-sev-snp issuing needs").And.Contain("VariantIssuerServices.");
    }
}
