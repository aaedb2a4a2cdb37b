using System.Text.Json;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Tdx;

public sealed class TdxQuoteCommandTests
{
    private static string V4 => TestData.Evidence("tdx/gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat");

    private static string V4Untrimmed => TestData.Evidence("tdx/spr-e4-quote-v4.dat");

    private static string V5 => TestData.Evidence("tdx/sample-quote-v5.dat");

    private static string Collateral => TestData.Evidence("tdx/collateral");

    [Test]
    public async Task Inspect_json_shows_the_manifest_fields_of_the_v4_quote()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "inspect", "tdx-quote", V4, "--json");

        code.Should().Be(0);
        var root = JsonDocument.Parse(output).RootElement;
        root.GetProperty("version").GetInt32().Should().Be(4);
        root.GetProperty("attestationKeyType").GetInt32().Should().Be(2);
        root.GetProperty("teeType").GetString().Should().Be("0x00000081");
        root.GetProperty("qeSvn").GetInt32().Should().Be(0);
        root.GetProperty("pceSvn").GetInt32().Should().Be(0);
        root.GetProperty("qeVendorId").GetString().Should().Be("939a7233f79c4ca9940a0db3957f0607");
        root.GetProperty("teeTcbSvn").GetString().Should().Be("03000400000000000000000000000000");
        root.GetProperty("fmspc").GetString().Should().Be("50806f000000");
        root.GetProperty("tdAttributes").GetString().Should().Be("0000004000000000");
        root.GetProperty("xfam").GetString().Should().Be("e71a060000000000");
        root.GetProperty("mrTd").GetString().Should().StartWith("6363b8043668a3ad").And.HaveLength(96);
        foreach (var name in new[] { "mrSeam", "mrSignerSeam", "seamAttributes", "mrConfigId", "mrOwner", "mrOwnerConfig", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "reportData" })
        {
            root.GetProperty(name).GetString().Should().MatchRegex("^[0-9a-f]+$", name);
        }
    }

    [Test]
    public async Task Inspect_json_shows_the_v5_quote_as_a_TDX_1_5_body()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "inspect", "tdx-quote", V5, "--json");

        code.Should().Be(0);
        var root = JsonDocument.Parse(output).RootElement;
        root.GetProperty("version").GetInt32().Should().Be(5);
        root.GetProperty("bodyType").GetInt32().Should().Be(3);
        root.GetProperty("fmspc").GetString().Should().Be("90c06f000000");
        root.GetProperty("teeTcbSvn").GetString().Should().Be("0b010400000000000000000000000000");
    }

    [Test]
    public async Task Inspect_reports_the_trailer_of_the_untrimmed_v4_file()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "inspect", "tdx-quote", V4Untrimmed, "--json");

        code.Should().Be(0);
        JsonDocument.Parse(output).RootElement.GetProperty("trailingBytes").GetInt32().Should().Be(39);
    }

    [TestCase("trimmed")]
    [TestCase("untrimmed")]
    public async Task Verify_with_collateral_rejects_the_v4_quote_because_no_TCB_level_matches(string which)
    {
        var file = which == "trimmed" ? V4 : V4Untrimmed;

        var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", file, "--collateral", Collateral, "--at", "2023-06-20T00:00:00Z", "--json");

        code.Should().Be(1);
        var root = JsonDocument.Parse(output).RootElement;
        root.GetProperty("valid").GetBoolean().Should().BeFalse();
        root.GetProperty("tcbStatus").GetString().Should().Be("NoMatchingTcbLevel");
        root.GetProperty("errors").EnumerateArray().Single().GetString().Should().Contain("no matching TCB level found");
    }

    [Test]
    public async Task Verify_text_output_states_the_TCB_status_of_a_rejected_quote()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V4, "--collateral", Collateral, "--at", "2023-06-20T00:00:00Z");

        code.Should().Be(1);
        output.Should().Contain("rejected (1 reason)").And.Contain("TCB status: no matching TCB level");
    }

    [Test]
    public async Task Verify_signatures_only_accepts_the_v4_quote_and_says_TCB_status_was_not_evaluated()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V4, "--collateral", Collateral, "--at", "2023-06-20T00:00:00Z", "--signatures-only");

        code.Should().Be(0);
        output.Should().StartWith("valid:").And.Contain("(CRLs checked)").And.Contain("TCB status was not evaluated");
    }

    [Test]
    public async Task Verify_signatures_only_accepts_the_v5_quote_without_any_collateral()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V5, "--at", "2026-02-15T00:00:00Z", "--signatures-only", "--json");

        code.Should().Be(0);
        var root = JsonDocument.Parse(output).RootElement;
        root.GetProperty("valid").GetBoolean().Should().BeTrue();
        root.GetProperty("tcbEvaluated").GetBoolean().Should().BeFalse();
        root.GetProperty("tcbStatus").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("note").GetString().Should().Contain("TCB status was not evaluated");
    }

    [Test]
    public async Task Verify_rejects_any_quote_in_2034_because_the_PCK_expired()
    {
        var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V5, "--at", "2034-01-01T00:00:00Z", "--signatures-only", "--json");

        code.Should().Be(1);
        JsonDocument.Parse(output).RootElement.GetProperty("errors")[0].GetString().Should().Contain("expired");
    }

    [Test]
    public async Task Verify_reports_a_missing_QE_identity_as_unusable_input()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tdx-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(Path.Combine(Collateral, "tcb-info-v5-sample.json"), Path.Combine(dir, "tcb-info.json"));
            File.Copy(Path.Combine(Collateral, "tcb-info-issuer-chain.pem"), Path.Combine(dir, "tcb-info-issuer-chain.pem"));

            var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V5, "--collateral", dir, "--at", "2026-02-15T00:00:00Z", "--json");

            code.Should().Be(2);
            JsonDocument.Parse(output).RootElement.GetProperty("errors")[0].GetString().Should().Contain("missing");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task Verify_of_a_missing_file_is_unusable_input()
    {
        var (code, _, error) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", "/nonexistent/quote.dat", "--signatures-only");

        code.Should().Be(2);
        error.Should().Contain("quote file not found");
    }

    [Test]
    public async Task Verify_of_a_tampered_quote_is_rejected_naming_the_signature()
    {
        var path = Path.GetTempFileName();
        try
        {
            var bytes = File.ReadAllBytes(V4);
            bytes[0x100] ^= 1;
            File.WriteAllBytes(path, bytes);

            var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", path, "--at", "2023-06-20T00:00:00Z", "--signatures-only");

            code.Should().Be(1);
            output.Should().Contain("quote signature").And.Contain("does not verify");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Verify_offline_without_collateral_or_cache_is_unusable_input_and_touches_no_network()
    {
        var cache = Path.Combine(Path.GetTempPath(), "tdx-cli-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, _) = await TdxCli.RunAsync("evidence", "verify", "tdx-quote", V4, "--offline", "--cache-dir", cache, "--at", "2023-06-20T00:00:00Z", "--json",
                "--pcs-url", "http://127.0.0.1:9/", "--root-crl-url", "http://127.0.0.1:9/root.der");

            code.Should().Be(2);
            JsonDocument.Parse(output).RootElement.GetProperty("errors")[0].GetString().Should().StartWith("offline mode:");
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, true);
            }
        }
    }
}
