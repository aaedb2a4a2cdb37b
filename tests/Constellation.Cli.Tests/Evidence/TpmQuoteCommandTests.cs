using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Evidence;

/// <summary>`evidence inspect|verify tpm-quote` on the real GCE quote (MANIFEST.md VTPM-1).</summary>
public class TpmQuoteCommandTests
{
    private const string Prefix = "vtpm/gotpmtools-gce-cos-85-no-nonce";
    private string _dir = null!;
    private string _attest = null!;
    private string _signature = null!;
    private string _ak = null!;

    [SetUp]
    public void WriteFiles()
    {
        _dir = Directory.CreateTempSubdirectory("tpm-quote-cli-").FullName;
        _attest = TestData.Evidence($"{Prefix}.quote-sha256.tpms_attest.bin");
        _signature = TestData.Evidence($"{Prefix}.quote-sha256.tpmt_signature.bin");
        using var cert = X509CertificateLoader.LoadCertificate(TestData.EvidenceBytes($"{Prefix}.ak_cert.der"));
        _ak = Path.Combine(_dir, "ak.pem");
        File.WriteAllText(_ak, System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", cert.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    [TearDown]
    public void DeleteFiles() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Inspect_json_prints_every_field_with_hex_byte_strings()
    {
        var (code, output, _) = await CliRunner.RunAsync("evidence", "inspect", "tpm-quote", _attest, "--json");

        code.Should().Be(0);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("magic").GetString().Should().Be("ff544347");
        root.GetProperty("type").GetString().Should().Be("8018");
        root.GetProperty("qualifiedSigner").GetString().Should().Be("000bde01fe4b4ade2f8b7ae19b8a8897e0cb77ae417731d8ce38697ec4f6c095030a");
        root.GetProperty("extraData").GetString().Should().BeEmpty();
        root.GetProperty("clock").GetUInt64().Should().BeGreaterThan(0);
        root.GetProperty("resetCount").GetUInt32().Should().Be(10);
        root.GetProperty("restartCount").GetUInt32().Should().Be(0);
        root.GetProperty("safe").GetBoolean().Should().BeTrue();
        root.GetProperty("firmwareVersion").GetUInt64().Should().Be(0x2016051100162800);
        var selection = root.GetProperty("pcrSelection").EnumerateArray().Should().ContainSingle().Subject;
        selection.GetProperty("hash").GetString().Should().Be("sha256");
        selection.GetProperty("pcrs").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(Enumerable.Range(0, 24));
        root.GetProperty("pcrDigest").GetString().Should().Be("048937cbaaf28af85a5b0c0997e725097a0d94e05fcda104a82ee3fb6b2e1808");
    }

    [Test]
    public async Task Inspect_of_a_file_that_is_not_a_quote_exits_2_with_the_reason()
    {
        var junk = Path.Combine(_dir, "junk");
        await File.WriteAllBytesAsync(junk, [1, 2, 3, 4, 5, 6]);

        var (code, _, error) = await CliRunner.RunAsync("evidence", "inspect", "tpm-quote", junk, "--json");

        code.Should().Be(2);
        error.Should().Contain("TPMS_ATTEST.magic");
    }

    [Test]
    public async Task Verify_exits_0_when_the_signature_verifies_and_the_nonce_matches()
    {
        var (code, output, _) = await CliRunner.RunAsync("evidence", "verify", "tpm-quote", _attest, "--signature", _signature, "--ak", _ak, "--nonce", "");

        code.Should().Be(0, output);
        output.Should().Contain("verified");
    }

    [Test]
    public async Task Verify_exits_1_on_a_wrong_nonce()
    {
        var (code, output, _) = await CliRunner.RunAsync("evidence", "verify", "tpm-quote", _attest, "--signature", _signature, "--ak", _ak, "--nonce", "00ff", "--json");

        code.Should().Be(1);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("verified").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("reasons").EnumerateArray().Should().ContainSingle().Which.GetString().Should().Contain("expected 00ff");
    }

    [Test]
    public async Task Verify_exits_1_listing_every_reason_when_signature_and_nonce_both_fail()
    {
        var tampered = Path.Combine(_dir, "attest");
        var bytes = TestData.EvidenceBytes($"{Prefix}.quote-sha256.tpms_attest.bin");
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(tampered, bytes);

        var (code, output, _) = await CliRunner.RunAsync("evidence", "verify", "tpm-quote", tampered, "--signature", _signature, "--ak", _ak, "--nonce", "01");

        code.Should().Be(1);
        output.Should().Contain("quote signature").And.Contain("extraData (nonce)");
    }

    [Test]
    public async Task Verify_with_another_key_exits_1()
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var otherPem = Path.Combine(_dir, "other.pem");
        await File.WriteAllTextAsync(otherPem, other.ExportSubjectPublicKeyInfoPem());

        var (code, _, _) = await CliRunner.RunAsync("evidence", "verify", "tpm-quote", _attest, "--signature", _signature, "--ak", otherPem);

        code.Should().Be(1);
    }

    [TestCase("missing-file")]
    [TestCase("bad-pem")]
    [TestCase("bad-hex")]
    [TestCase("bad-signature-structure")]
    public async Task Verify_exits_2_on_unusable_input(string kind)
    {
        var badPem = Path.Combine(_dir, "bad.pem");
        await File.WriteAllTextAsync(badPem, "not a pem");
        var badSig = Path.Combine(_dir, "bad.sig");
        await File.WriteAllBytesAsync(badSig, [0x00, 0x99]);
        string[] args = kind switch
        {
            "missing-file" => ["evidence", "verify", "tpm-quote", Path.Combine(_dir, "nope"), "--signature", _signature, "--ak", _ak],
            "bad-pem" => ["evidence", "verify", "tpm-quote", _attest, "--signature", _signature, "--ak", badPem],
            "bad-hex" => ["evidence", "verify", "tpm-quote", _attest, "--signature", _signature, "--ak", _ak, "--nonce", "xyz"],
            _ => ["evidence", "verify", "tpm-quote", _attest, "--signature", badSig, "--ak", _ak],
        };

        var (code, _, error) = await CliRunner.RunAsync(args);

        code.Should().Be(2);
        error.Should().StartWith("error:");
    }
}
