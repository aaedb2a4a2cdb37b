using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Evidence.Snp;

/// <summary>
/// <c>evidence verify snp-report</c> checks revocation by default: the CRL comes from <c>--crl</c>, else from the cache
/// or KDS (only the cache with <c>--offline</c>); no CRL is exit 2 with a message naming both ways out, a CRL the
/// pinned ARK did not sign is exit 1, and only <c>--no-revocation-check</c> skips the check.
/// </summary>
public sealed class SnpReportRevocationCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("snp-cli-crl-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static string Vector(string name) => TestData.Evidence("snp/" + name);

    private string[] VerifyAzure(params string[] extra) =>
        ["evidence", "verify", "snp-report", Vector("azure-milan-vcek-report.bin"), "--signer", Vector("azure-milan-vcek.pem"),
            "--chain", Vector("milan-ask-ark.pem"), "--at", "2026-01-01T00:00:00Z", "--cache-dir", Path.Combine(_dir, "cache"), "--json", .. extra];

    /// <summary>A CRL current at 2026-01-01 whose issuer is named ARK-Milan but that a key other than AMD's signed.</summary>
    private static byte[] ImpostorCrl()
    {
        using var key = RSA.Create(2048);
        var name = new X500DistinguishedName("CN=ARK-Milan, O=Advanced Micro Devices, ST=CA, L=Santa Clara, C=US, OU=Engineering");
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new CertificateRevocationListBuilder().Build(name, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pss), BigInteger.One, at.AddDays(30), HashAlgorithmName.SHA384,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(new byte[20]), at.AddDays(-1));
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    [Test]
    public async Task Offline_without_a_CRL_and_with_a_cold_cache_exits_2_naming_the_CRL_and_both_ways_out()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline"));

        exit.Should().Be(2, output);
        Json(output).GetProperty("errors")[0].GetString().Should().Contain("revocation cannot be checked").And.Contain("/vcek/v1/Milan/crl")
            .And.Contain("--crl").And.Contain("--no-revocation-check");
    }

    [Test]
    public async Task A_CRL_file_the_pinned_ARK_did_not_sign_gets_the_report_rejected_with_exit_1()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline", "--crl", Write("impostor.crl", ImpostorCrl())));

        exit.Should().Be(1, output);
        var json = Json(output);
        json.GetProperty("valid").GetBoolean().Should().BeFalse();
        json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).Should().ContainSingle().Which.Should().Contain("AMD CRL");
    }

    [Test]
    public async Task Online_the_CRL_is_fetched_from_KDS_and_one_the_pinned_ARK_did_not_sign_is_refused_and_not_cached()
    {
        var crl = ImpostorCrl();
        await using var kds = new LoopbackHttpServer(path => path == "/vcek/v1/Milan/crl" ? LoopbackReply.Ok(crl) : LoopbackReply.Text(404, "not found"));

        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--kds-url", kds.BaseUri.AbsoluteUri));

        exit.Should().Be(2, output);
        kds.RequestedPaths.Should().Equal("/vcek/v1/Milan/crl");
        Json(output).GetProperty("errors")[0].GetString().Should().Contain("pinned ARK did not sign").And.Contain("not cached");
        var cache = Path.Combine(_dir, "cache");
        (Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : []).Should().BeEmpty("nothing was accepted into the cache");
    }

    [Test]
    public async Task A_CRL_file_that_is_not_a_CRL_exits_2()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline", "--crl", Vector("azure-milan-vcek.pem")));

        exit.Should().Be(2, output);
        Json(output).GetProperty("errors")[0].GetString().Should().Contain("is not a CRL");
    }

    [Test]
    public async Task A_missing_CRL_file_exits_2()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline", "--crl", Path.Combine(_dir, "absent.crl")));

        exit.Should().Be(2, output);
        Json(output).GetProperty("errors")[0].GetString().Should().Contain("--crl file not found");
    }

    [Test]
    public async Task Giving_both_crl_and_no_revocation_check_exits_2()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline", "--no-revocation-check", "--crl", Write("impostor.crl", ImpostorCrl())));

        exit.Should().Be(2, output);
        Json(output).GetProperty("errors")[0].GetString().Should().Contain("contradict");
    }

    [Test]
    public async Task Only_the_explicit_opt_out_accepts_the_real_report_offline_without_a_CRL()
    {
        var (exit, output, _) = await CliRunner.RunAsync(VerifyAzure("--offline", "--no-revocation-check"));

        exit.Should().Be(0, output);
        Json(output).GetProperty("valid").GetBoolean().Should().BeTrue();
    }
}
