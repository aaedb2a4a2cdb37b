using System.Text.Json;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Evidence.Snp;

public class SnpReportCommandTests
{
    private static string Vector(string name) => TestData.Evidence("snp/" + name);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    [Test]
    public async Task Inspect_prints_the_manifest_fields_of_the_Azure_report_as_JSON()
    {
        var (exit, output, _) = await RunAsync("evidence", "inspect", "snp-report", Vector("azure-milan-vcek-report.bin"), "--json");

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("version").GetInt32().Should().Be(2);
        json.GetProperty("vmpl").GetInt32().Should().Be(0);
        json.GetProperty("policy").GetUInt64().Should().Be(0x3001f);
        json.GetProperty("signatureAlgo").GetInt32().Should().Be(1);
        json.GetProperty("guestSvn").GetUInt32().Should().Be(2);
        json.GetProperty("reportData").GetString().Should().StartWith("0ccc0895ef2f2c3b").And.HaveLength(128);
        json.GetProperty("measurement").GetString().Should().HaveLength(96);
        json.GetProperty("hostData").GetString().Should().HaveLength(64);
        json.GetProperty("idKeyDigest").GetString().Should().HaveLength(96);
        json.GetProperty("authorKeyDigest").GetString().Should().HaveLength(96);
        json.GetProperty("reportId").GetString().Should().HaveLength(64);
        json.GetProperty("chipId").GetString().Should().StartWith("9e44aaef02cfca6f").And.HaveLength(128);
        foreach (var tcb in new[] { "currentTcb", "reportedTcb", "committedTcb", "launchTcb" })
        {
            var t = json.GetProperty(tcb);
            (t.GetProperty("bootloader").GetInt32(), t.GetProperty("tee").GetInt32(), t.GetProperty("snp").GetInt32(), t.GetProperty("microcode").GetInt32())
                .Should().Be((2, 0, 6, 93), tcb);
            t.GetProperty("raw").GetUInt64().Should().Be(0x5d06000000000002);
        }
    }

    [Test]
    public async Task Inspect_shows_the_AWS_report_as_a_version_3_VLEK_report()
    {
        var (exit, output, _) = await RunAsync("evidence", "inspect", "snp-report", Vector("aws-milan-vlek-report.bin"), "--json");

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("version").GetInt32().Should().Be(3);
        json.GetProperty("signingKey").GetString().Should().Be("VLEK");
        json.GetProperty("productLine").GetString().Should().Be("Milan");
        json.GetProperty("reportData").GetString().Should().StartWith("87ab7caf");
        json.GetProperty("chipId").GetString().Should().Be(new string('0', 128));
    }

    [Test]
    public async Task Inspect_of_a_missing_file_or_a_non_report_exits_2()
    {
        (await RunAsync("evidence", "inspect", "snp-report", "/nonexistent/report.bin", "--json")).ExitCode.Should().Be(2);
        (await RunAsync("evidence", "inspect", "snp-report", Vector("azure-milan-vcek.pem"), "--json")).ExitCode.Should().Be(2);
    }

    [Test]
    public async Task Verify_accepts_the_Azure_report_at_its_pinned_time()
    {
        var (exit, output, _) = await RunAsync("evidence", "verify", "snp-report", Vector("azure-milan-vcek-report.bin"),
            "--signer", Vector("azure-milan-vcek.pem"), "--chain", Vector("milan-ask-ark.pem"), "--at", "2026-01-01T00:00:00Z", "--offline", "--no-revocation-check", "--json");

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("valid").GetBoolean().Should().BeTrue();
        json.GetProperty("errors").GetArrayLength().Should().Be(0);
    }

    // No ARK-signed AMD CRL is in testdata, so verifications of the real vectors opt out of revocation explicitly;
    // SnpReportRevocationCommandTests covers --crl and the default.
    private static string[] VerifyAzure(params string[] extra) =>
        ["evidence", "verify", "snp-report", Vector("azure-milan-vcek-report.bin"), "--signer", Vector("azure-milan-vcek.pem"),
            "--chain", Vector("milan-ask-ark.pem"), "--at", "2026-01-01T00:00:00Z", "--offline", "--no-revocation-check", "--json", .. extra];

    private static async Task<JsonElement> InspectAzureAsync() =>
        JsonDocument.Parse((await RunAsync("evidence", "inspect", "snp-report", Vector("azure-milan-vcek-report.bin"), "--json")).Output).RootElement;

    [Test]
    public async Task Verify_with_the_reports_own_measurement_report_data_and_guest_svn_as_policy_accepts_it()
    {
        var fields = await InspectAzureAsync();

        var (exit, output, _) = await RunAsync(VerifyAzure(
            "--measurement", fields.GetProperty("measurement").GetString()!,
            "--report-data", fields.GetProperty("reportData").GetString()!,
            "--host-data", fields.GetProperty("hostData").GetString()!,
            "--min-guest-svn", "2"));

        exit.Should().Be(0, output);
        JsonDocument.Parse(output).RootElement.GetProperty("errors").GetArrayLength().Should().Be(0);
    }

    [Test]
    public async Task Verify_with_a_policy_the_report_breaks_lists_every_violated_field_and_exits_1()
    {
        var fields = await InspectAzureAsync();
        var measurement = Convert.FromHexString(fields.GetProperty("measurement").GetString()!);
        measurement[0] ^= 1;

        var (exit, output, _) = await RunAsync(VerifyAzure(
            "--measurement", Convert.ToHexStringLower(measurement),
            "--host-data", new string('a', 64),
            "--min-guest-svn", "3",
            "--vmpl", "1"));

        exit.Should().Be(1);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("valid").GetBoolean().Should().BeFalse();
        var errors = json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        errors.Should().HaveCount(4).And.OnlyContain(e => e.StartsWith("policy: ", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("policy: measurement: expected " + Convert.ToHexStringLower(measurement), StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("policy: host_data: expected " + new string('a', 64), StringComparison.Ordinal));
        errors.Should().Contain("policy: guest_svn: expected >= 3, got 2");
        errors.Should().Contain("policy: vmpl: expected 1, got 0");
    }

    [TestCase("--measurement", "abcd")]
    [TestCase("--report-data", "not hex")]
    [TestCase("--host-data", "00")]
    public async Task Verify_with_a_malformed_policy_value_exits_2_naming_the_option(string option, string value)
    {
        var (exit, output, _) = await RunAsync(VerifyAzure(option, value));

        exit.Should().Be(2);
        JsonDocument.Parse(output).RootElement.GetProperty("errors")[0].GetString().Should().StartWith(option);
    }

    [Test]
    public async Task Verify_accepts_the_AWS_report_in_June_2025_and_rejects_it_in_2026()
    {
        string[] Args(string at) => ["evidence", "verify", "snp-report", Vector("aws-milan-vlek-report.bin"), "--signer", Vector("aws-milan-vlek.pem"), "--chain", Vector("milan-asvk-ark.pem"), "--at", at, "--offline", "--no-revocation-check"];

        (await RunAsync(Args("2025-06-01T00:00:00Z"))).ExitCode.Should().Be(0);
        var rejected = await RunAsync(Args("2026-01-01T00:00:00Z"));
        rejected.ExitCode.Should().Be(1);
        rejected.Output.Should().Contain("rejected").And.Contain("SEV-VLEK certificate is valid 2024-12-10T22:30:16Z to 2025-12-10T22:30:16Z");
    }

    [Test]
    public async Task Verify_rejects_the_VLEK_report_with_the_ASK_chain_and_prints_every_reason_as_JSON()
    {
        var (exit, output, _) = await RunAsync("evidence", "verify", "snp-report", Vector("aws-milan-vlek-report.bin"),
            "--signer", Vector("aws-milan-vlek.pem"), "--chain", Vector("milan-ask-ark.pem"), "--at", "2025-06-01T00:00:00Z", "--offline", "--no-revocation-check", "--json");

        exit.Should().Be(1);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("valid").GetBoolean().Should().BeFalse();
        json.GetProperty("errors")[0].GetString().Should().Contain("signer binding mismatch");
    }

    [Test]
    public async Task Verify_does_not_apply_policy_to_a_report_that_did_not_verify()
    {
        var (exit, output, _) = await RunAsync("evidence", "verify", "snp-report", Vector("aws-milan-vlek-report.bin"),
            "--signer", Vector("aws-milan-vlek.pem"), "--chain", Vector("milan-ask-ark.pem"), "--at", "2025-06-01T00:00:00Z", "--offline", "--no-revocation-check", "--json",
            "--vmpl", "1");

        exit.Should().Be(1);
        var errors = JsonDocument.Parse(output).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        errors.Should().NotBeEmpty().And.OnlyContain(e => !e.StartsWith("policy:", StringComparison.Ordinal));
        errors[0].Should().Contain("signer binding mismatch");
    }

    [Test]
    public async Task Verify_of_a_missing_file_or_a_non_report_exits_2()
    {
        (await RunAsync("evidence", "verify", "snp-report", "/nonexistent.bin", "--offline")).ExitCode.Should().Be(2);
        var notReport = await RunAsync("evidence", "verify", "snp-report", Vector("milan-ask-ark.pem"), "--offline", "--json");
        notReport.ExitCode.Should().Be(2);
        JsonDocument.Parse(notReport.Output).RootElement.GetProperty("valid").GetBoolean().Should().BeFalse();
    }

    [Test]
    public async Task Verify_without_a_signer_in_offline_mode_with_a_cold_cache_exits_2_naming_the_missing_collateral()
    {
        var cache = Directory.CreateTempSubdirectory("snp-cli-cache-").FullName;
        try
        {
            var (exit, _, error) = await RunAsync("evidence", "verify", "snp-report", Vector("azure-milan-vcek-report.bin"),
                "--chain", Vector("milan-ask-ark.pem"), "--product", "Milan", "--offline", "--cache-dir", cache);

            exit.Should().Be(2);
            error.Should().Contain("offline mode").And.Contain("/vcek/v1/Milan/9e44aaef");
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Test]
    public async Task Verify_rejects_a_bad_time_or_product_as_unusable_input()
    {
        var report = Vector("azure-milan-vcek-report.bin");

        (await RunAsync("evidence", "verify", "snp-report", report, "--signer", Vector("azure-milan-vcek.pem"), "--chain", Vector("milan-ask-ark.pem"), "--at", "yesterday")).ExitCode.Should().Be(2);
        (await RunAsync("evidence", "verify", "snp-report", report, "--signer", Vector("azure-milan-vcek.pem"), "--chain", Vector("milan-ask-ark.pem"), "--product", "Naples")).ExitCode.Should().Be(2);
    }
}
