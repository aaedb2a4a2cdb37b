using System.Text.Json;
using Constellation.Attestation;

namespace Constellation.Cli.Tests;

public class VariantsCommandTests
{
    [Test]
    public async Task Variants_lists_every_variant_with_its_oid()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("variants");

        exitCode.Should().Be(0);
        foreach (var variant in AttestationVariant.All)
        {
            output.Should().MatchRegex($@"{System.Text.RegularExpressions.Regex.Escape(variant.Name)}\s.*{System.Text.RegularExpressions.Regex.Escape(variant.Oid)}");
        }
    }

    [Test]
    public async Task Variants_json_is_an_array_of_name_and_oid()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("variants", "--json");

        exitCode.Should().Be(0);
        using var json = JsonDocument.Parse(output);
        json.RootElement.EnumerateArray().Select(e => (e.GetProperty("name").GetString(), e.GetProperty("oid").GetString()))
            .Should().Equal(AttestationVariant.All.Select(v => ((string?)v.Name, (string?)v.Oid)));
    }

    [Test]
    public async Task Variants_json_reports_an_issuer_and_a_validator_for_all_ten_and_what_this_machine_lacks()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("variants", "--json");

        exitCode.Should().Be(0);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().ToList();
        rows.Should().HaveCount(10);
        foreach (var row in rows)
        {
            var name = row.GetProperty("name").GetString();
            foreach (var operation in new[] { "issuer", "validator" })
            {
                var capability = row.GetProperty(operation);
                capability.GetProperty("supported").GetBoolean().Should().BeTrue($"{name} {operation}");
                if (!capability.GetProperty("available").GetBoolean())
                {
                    capability.GetProperty("needs").GetString().Should().NotBeNullOrEmpty($"{name} {operation} names the service it lacks");
                    capability.GetProperty("reason").GetString().Should().StartWith(name);
                }
            }
        }

        var dummy = rows.Single(r => r.GetProperty("name").GetString() == "dummy");
        dummy.GetProperty("issuer").GetProperty("available").GetBoolean().Should().BeTrue();
        var trustedLaunch = rows.Single(r => r.GetProperty("name").GetString() == "azure-trustedlaunch");
        trustedLaunch.GetProperty("validator").GetProperty("available").GetBoolean().Should().BeTrue("the ameroot is built in");
    }

    [Test]
    public async Task Help_names_the_command_and_its_subcommands()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("--help");

        exitCode.Should().Be(0);
        output.Should().Contain("Usage:").And.Contain("variants").And.Contain("Manage and verify Constellation");
    }
}
