using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Config;

#pragma warning disable CA1001 // SetUp creates and TearDown disposes the fields for each test.
public class ConfigFetchMeasurementsCommandTests
#pragma warning restore CA1001
{
    private const string Pcr4 = "4444444444444444444444444444444444444444444444444444444444444444";
    private const string Pcr9 = "9999999999999999999999999999999999999999999999999999999999999999";
    private string _workspace = null!;
    private string _configPath = null!;
    private byte[] _original = null!;
    private ECDsa _key = null!;
    private LoopbackHttpServer _server = null!;

    [SetUp]
    public void Prepare()
    {
        _workspace = Directory.CreateTempSubdirectory("fetch-").FullName;
        _configPath = Path.Combine(_workspace, "constellation-conf.yaml");
        File.WriteAllText(_configPath, ConstellationConfigFile.Generate(CloudProvider.Qemu, image: "v2.23.0"));
        _original = File.ReadAllBytes(_configPath);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _server = new LoopbackHttpServer();
    }

    [TearDown]
    public async Task CleanUp()
    {
        await _server.DisposeAsync();
        _key.Dispose();
        Directory.Delete(_workspace, recursive: true);
    }

    private static string MeasurementsFile(string version = "v2.23.0", string csp = "QEMU", string variant = "qemu-vtpm") =>
        "{\"version\":\"" + version + "\",\"ref\":\"-\",\"stream\":\"stable\",\"list\":[{\"csp\":\"" + csp + "\",\"attestationVariant\":\"" + variant
        + "\",\"measurements\":{\"4\":{\"expected\":\"" + Pcr4 + "\",\"warnOnly\":false},\"9\":{\"expected\":\"" + Pcr9 + "\",\"warnOnly\":false}}}]}";

    private string Sign(byte[] data) => Convert.ToBase64String(_key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private Uri Publish(byte[] file, string signature)
    {
        var url = _server.Serve("measurements.json", file);
        _server.Serve("measurements.json.sig", signature);
        return url;
    }

    private Uri Publish(string file) => Publish(Encoding.UTF8.GetBytes(file), Sign(Encoding.UTF8.GetBytes(file)));

    private Task<(int ExitCode, string Output, string Error)> Run(Uri url, params string[] extra) =>
        CliRunner.RunAsync(["config", "fetch-measurements", "--config", _configPath, "--url", url.AbsoluteUri, "--public-key", _key.ExportSubjectPublicKeyInfoPem(), .. extra]);

    private void ConfigShouldBeUnchanged() => File.ReadAllBytes(_configPath).Should().Equal(_original, "a failed fetch must leave the config byte-for-byte unchanged");

    [Test]
    public async Task A_correctly_signed_file_is_written_into_the_attestation_section()
    {
        var url = Publish(MeasurementsFile());

        var (exitCode, output, error) = await Run(url);

        exitCode.Should().Be(0, error);
        output.Should().Contain("signature verified with key");
        var config = ConstellationConfigFile.Parse(File.ReadAllText(_configPath));
        config.Attestation.Measurements[4].ToHex().Should().Be(Pcr4);
        config.Attestation.Measurements[9].ToHex().Should().Be(Pcr9);
        config.Attestation.Measurements[15].ToHex().Should().Be(new string('0', 64), "indices the file does not list are kept");
        var text = File.ReadAllText(_configPath);
        var originalText = Encoding.UTF8.GetString(_original);
        text[..text.IndexOf("attestation:", StringComparison.Ordinal)].Should().Be(originalText[..originalText.IndexOf("attestation:", StringComparison.Ordinal)]);
        Directory.EnumerateFiles(_workspace).Should().ContainSingle("no temporary file is left behind");
    }

    [Test]
    public async Task The_public_key_can_be_given_as_a_pem_file()
    {
        var url = Publish(MeasurementsFile());
        var keyFile = Path.Combine(_workspace, "key.pem");
        File.WriteAllText(keyFile, _key.ExportSubjectPublicKeyInfoPem());

        var (exitCode, _, error) = await CliRunner.RunAsync("config", "fetch-measurements", "--config", _configPath, "--url", url.AbsoluteUri, "--public-key", keyFile);

        exitCode.Should().Be(0, error);
        ConstellationConfigFile.Parse(File.ReadAllText(_configPath)).Attestation.Measurements[4].ToHex().Should().Be(Pcr4);
    }

    [Test]
    public async Task A_flipped_byte_in_the_file_is_rejected_and_nothing_is_written()
    {
        var file = Encoding.UTF8.GetBytes(MeasurementsFile());
        var signature = Sign(file);
        file[file.Length / 2] ^= 0x01;
        var url = Publish(file, signature);

        var (exitCode, _, error) = await Run(url);

        exitCode.Should().Be(1);
        error.Should().Contain("measurements signature: does not verify").And.Contain("was not changed");
        ConfigShouldBeUnchanged();
    }

    [Test]
    public async Task A_flipped_byte_in_the_signature_is_rejected_and_nothing_is_written()
    {
        var file = Encoding.UTF8.GetBytes(MeasurementsFile());
        var signature = Convert.FromBase64String(Sign(file));
        signature[^3] ^= 0x01;
        var url = Publish(file, Convert.ToBase64String(signature));

        var (exitCode, _, _) = await Run(url);

        exitCode.Should().Be(1);
        ConfigShouldBeUnchanged();
    }

    [TestCase("v2.24.0", "QEMU", "qemu-vtpm", "version: expected v2.23.0, got v2.24.0")]
    [TestCase("v2.22.0", "QEMU", "qemu-vtpm", "downgrade refused")]
    [TestCase("v2.23.0", "GCP", "qemu-vtpm", "an entry for csp QEMU and variant qemu-vtpm")]
    [TestCase("v2.23.0", "QEMU", "qemu-tdx", "an entry for csp QEMU and variant qemu-vtpm")]
    public async Task A_signed_file_for_another_version_csp_or_variant_is_rejected_and_nothing_is_written(string version, string csp, string variant, string message)
    {
        var url = Publish(MeasurementsFile(version, csp, variant));

        var (exitCode, _, error) = await Run(url);

        exitCode.Should().Be(1);
        error.Should().Contain(message);
        ConfigShouldBeUnchanged();
    }

    [Test]
    public async Task A_server_that_is_down_is_a_clear_error_and_nothing_is_written()
    {
        var url = LoopbackHttpServer.UnusedLoopbackUri("measurements.json");

        var (exitCode, _, error) = await Run(url);

        exitCode.Should().Be(2);
        error.Should().Contain($"measurements file {url}: cannot be fetched").And.Contain("was not changed");
        ConfigShouldBeUnchanged();
    }

    [Test]
    public async Task Insecure_skips_the_signature_check_with_a_loud_warning()
    {
        var url = Publish(Encoding.UTF8.GetBytes(MeasurementsFile()), "not a signature");

        var (exitCode, output, error) = await Run(url, "--insecure");

        exitCode.Should().Be(0);
        error.Should().Contain("WARNING: --insecure: the measurements' signature is NOT verified");
        output.Should().Contain("WITHOUT signature verification");
        ConstellationConfigFile.Parse(File.ReadAllText(_configPath)).Attestation.Measurements[4].ToHex().Should().Be(Pcr4);
    }

    [Test]
    public async Task A_separate_signature_url_is_used()
    {
        var file = MeasurementsFile();
        var url = _server.Serve("a/measurements.json", file);
        var sig = _server.Serve("b/sig", Sign(Encoding.UTF8.GetBytes(file)));

        var (exitCode, _, error) = await Run(url, "--signature-url", sig.AbsoluteUri);

        exitCode.Should().Be(0, error);
        _server.RequestedPaths.Should().Equal("/a/measurements.json", "/b/sig");
    }

    [Test]
    public async Task A_missing_config_is_unusable_input()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("config", "fetch-measurements", "--config", Path.Combine(_workspace, "absent.yaml"));

        exitCode.Should().Be(2);
        error.Should().Contain("absent.yaml");
    }
}
