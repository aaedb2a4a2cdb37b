using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Inputs;

/// <summary>
/// Every file the CLI reads (evidence, certificates, keys, collateral, config, measurements, secrets) is read only
/// from a regular file within its format's cap: /dev/zero, a FIFO with no writer and a huge sparse file each fail at
/// once, exit 2, with one line naming the file and the cap.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
#pragma warning disable CA1001 // SetUp creates and TearDown disposes the scratch files for each test.
public class UnusableFileInputTests
#pragma warning restore CA1001
{
    // Far above what a bounded read takes; a read-everything CLI hangs on the FIFO or spends seconds on /dev/zero.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private BadInputFiles _files = null!;
    private GoodInputs _good = null!;

    [SetUp]
    public void CreateFiles()
    {
        _files = new BadInputFiles();
        _good = new GoodInputs(_files.Directory);
    }

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    private static IEnumerable<TestCaseData> Cases() =>
        from input in FileInputs
        from bad in Enum.GetValues<BadInput>()
        select new TestCaseData(input, bad).SetArgDisplayNames(input.Name, bad.ToString());

    [TestCaseSource(nameof(Cases))]
    public async Task A_device_a_FIFO_without_writer_or_a_huge_sparse_file_fails_at_once_with_one_line_naming_the_file_and_the_cap(FileInput input, BadInput bad)
    {
        var path = _files.Create(bad, input.FileName);
        var run = Task.Run(() => CliRunner.RunAsync(input.Arguments(_good, path)));
        if (await Task.WhenAny(run, Task.Delay(Bound)) != run)
        {
            if (bad == BadInput.FifoWithoutWriter)
            {
                await BadInputFiles.ReleaseReaderAsync(path);
            }

            Assert.Fail($"{input.Name} did not finish within {Bound.TotalSeconds} s on {bad}");
        }

        var (exitCode, output, error) = await run;
        exitCode.Should().Be(ExitCodes.UnusableInput, "stdout: {0} stderr: {1}", output, error);
        var report = input.ReportsOnOutput ? output : error;
        report.Should().NotContain("   at ", "no stack trace");
        var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!input.ReportsOnOutput)
        {
            lines.Should().ContainSingle("one line on stderr: {0}", report);
            output.Should().BeEmpty();
        }

        lines.Should().Contain(line => line.Contains(path) && line.Contains(input.Cap.ToString(System.Globalization.CultureInfo.InvariantCulture)) && line.Contains("unusable input"),
            "a line names the file, the {0}-byte cap and says the input is unusable: {1}", input.Cap, report);
    }

    [Test]
    public async Task A_regular_file_just_over_the_cap_is_refused_by_its_size_and_one_at_the_cap_reaches_the_parser()
    {
        var atCap = Path.Combine(_files.Directory, "at-cap.bin");
        var overCap = Path.Combine(_files.Directory, "over-cap.bin");
        await File.WriteAllBytesAsync(atCap, new byte[4096]);
        await File.WriteAllBytesAsync(overCap, new byte[4097]);

        var (overExit, _, overError) = await CliRunner.RunAsync("evidence", "inspect", "snp-report", overCap);
        var (atExit, _, atError) = await CliRunner.RunAsync("evidence", "inspect", "snp-report", atCap);

        overExit.Should().Be(ExitCodes.UnusableInput);
        overError.Should().Contain("4097 bytes, over the 4096-byte cap for an SEV-SNP report");
        atExit.Should().Be(ExitCodes.UnusableInput);
        atError.Should().Contain("is not an SEV-SNP report").And.Contain("1184");
    }

    [Test]
    public async Task An_empty_file_is_refused_before_parsing_like_a_device()
    {
        var empty = Path.Combine(_files.Directory, "empty.bin");
        await File.WriteAllBytesAsync(empty, []);

        var (exitCode, _, error) = await CliRunner.RunAsync("evidence", "inspect", "tdx-quote", empty);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain(empty).And.Contain("not a regular file with content").And.Contain("131072");
    }

    [TestCase("config", "fetch-measurements", "--config", "")]
    [TestCase("init", "--endpoint", "127.0.0.1:9", "--variant", "dummy", "--init-secret-file", "")]
    public async Task An_empty_path_is_unusable_input_not_a_crash(params string[] args)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(args);

        exitCode.Should().Be(ExitCodes.UnusableInput, error);
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().Contain("is not a file path");
    }

    [Test]
    public async Task A_text_input_that_is_not_UTF8_is_refused_instead_of_read_with_replacement_characters()
    {
        var chain = Path.Combine(_files.Directory, "chain.pem");
        var pem = await File.ReadAllBytesAsync(_good.SnpChain);
        pem[100] = 0xFF;
        await File.WriteAllBytesAsync(chain, pem);

        var (exitCode, _, error) = await CliRunner.RunAsync("evidence", "verify", "snp-report", _good.SnpReport, "--signer", _good.SnpSigner, "--chain", chain, "--offline");

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain(chain).And.Contain("not UTF-8 text");
    }

    [Test]
    public async Task A_link_to_a_real_vector_is_followed_and_read()
    {
        var link = Path.Combine(_files.Directory, "report-link.bin");
        File.CreateSymbolicLink(link, TestData.Evidence("snp/azure-milan-vcek-report.bin"));

        var (exitCode, output, error) = await CliRunner.RunAsync("evidence", "inspect", "snp-report", link, "--json");

        exitCode.Should().Be(ExitCodes.Success, error);
        output.Should().Contain("\"version\":2");
    }

    /// <summary>One file argument of one command: where the bad file goes and what its cap is.</summary>
    /// <param name="Name">The test case name.</param>
    /// <param name="Cap">The cap the message must name.</param>
    /// <param name="FileName">The name the command looks for (collateral, master secret), or null when the path is passed directly.</param>
    /// <param name="Arguments">The command line, given the good inputs and the bad file.</param>
    /// <param name="ReportsOnOutput">The command reports failures in its report on stdout (atls probe), not as one line on stderr.</param>
    public sealed record FileInput(string Name, int Cap, string? FileName, Func<GoodInputs, string, string[]> Arguments, bool ReportsOnOutput = false)
    {
        public override string ToString() => Name;
    }

    private static readonly FileInput[] FileInputs =
    [
        new("inspect snp-report <report>", 4096, null, (_, bad) => ["evidence", "inspect", "snp-report", bad]),
        new("verify snp-report <report>", 4096, null, (g, bad) => ["evidence", "verify", "snp-report", bad, "--signer", g.SnpSigner, "--chain", g.SnpChain, "--offline"]),
        new("verify snp-report --signer", 65536, null, (g, bad) => ["evidence", "verify", "snp-report", g.SnpReport, "--signer", bad, "--chain", g.SnpChain, "--offline"]),
        new("verify snp-report --chain", 262144, null, (g, bad) => ["evidence", "verify", "snp-report", g.SnpReport, "--signer", g.SnpSigner, "--chain", bad, "--offline"]),
        new("inspect tdx-quote <quote>", 131072, null, (_, bad) => ["evidence", "inspect", "tdx-quote", bad]),
        new("verify tdx-quote <quote>", 131072, null, (_, bad) => ["evidence", "verify", "tdx-quote", bad, "--signatures-only"]),
        new("verify tdx-quote --collateral tcb-info.json", 1048576, "collateral/tcb-info.json",
            (g, bad) => ["evidence", "verify", "tdx-quote", g.TdxQuote, "--collateral", Path.GetDirectoryName(bad)!, "--offline"]),
        new("verify tdx-quote --collateral pck-crl.der", 1048576, "collateral/pck-crl.der",
            (g, bad) => ["evidence", "verify", "tdx-quote", g.TdxQuote, "--collateral", Path.GetDirectoryName(bad)!, "--offline"]),
        new("inspect tpm-quote <attest>", 16384, null, (_, bad) => ["evidence", "inspect", "tpm-quote", bad]),
        new("verify tpm-quote --signature", 16384, null, (g, bad) => ["evidence", "verify", "tpm-quote", g.TpmAttest, "--signature", bad, "--ak", g.TpmAk]),
        new("verify tpm-quote --ak", 16384, null, (g, bad) => ["evidence", "verify", "tpm-quote", g.TpmAttest, "--signature", g.TpmSignature, "--ak", bad]),
        new("config fetch-measurements --config", 1048576, null, (_, bad) => ["config", "fetch-measurements", "--config", bad]),
        new("config fetch-measurements --public-key", 16384, null, (g, bad) => ["config", "fetch-measurements", "--config", g.Config, "--public-key", bad]),
        new("atls probe --measurements", 262144, null, (_, bad) => ["atls", "probe", "127.0.0.1:9", "--variant", "dummy", "--measurements", bad], ReportsOnOutput: true),
        new("init --init-secret-file", 4096, null,
            (g, bad) => ["init", "--endpoint", "127.0.0.1:9", "--variant", "dummy", "--init-secret-file", bad, "--workspace", g.Workspace]),
        new("init master secret in --workspace", 4096, "workspace/constellation-mastersecret.json",
            (g, bad) => ["init", "--endpoint", "127.0.0.1:9", "--variant", "dummy", "--init-secret-file", g.InitSecret, "--workspace", Path.GetDirectoryName(bad)!]),
        new("init --config", 1048576, null,
            (g, bad) => ["init", "--endpoint", "127.0.0.1:9", "--config", bad, "--init-secret-file", g.InitSecret, "--workspace", g.Workspace]),
        new("init --measurements", 262144, null,
            (g, bad) => ["init", "--endpoint", "127.0.0.1:9", "--variant", "qemu-vtpm", "--measurements", bad, "--init-secret-file", g.InitSecret, "--workspace", g.Workspace]),
        new("verify --config", 1048576, null, (_, bad) => ["verify", "--endpoint", "127.0.0.1:9", "--config", bad]),
        new("verify --measurements", 262144, null, (_, bad) => ["verify", "--endpoint", "127.0.0.1:9", "--variant", "qemu-vtpm", "--measurements", bad]),
    ];

    /// <summary>Real inputs for the other arguments, so the bad one is the only reason to fail.</summary>
    public sealed class GoodInputs
    {
        private const string Tpm = "vtpm/gotpmtools-gce-cos-85-no-nonce";

        public GoodInputs(string directory)
        {
            Workspace = Path.Combine(directory, "good-workspace");
            Directory.CreateDirectory(Workspace);
            TpmAk = Path.Combine(directory, "ak.pem");
            using (var cert = X509CertificateLoader.LoadCertificate(TestData.EvidenceBytes($"{Tpm}.ak_cert.der")))
            {
                File.WriteAllText(TpmAk, PemEncoding.WriteString("PUBLIC KEY", cert.PublicKey.ExportSubjectPublicKeyInfo()));
            }

            Config = Path.Combine(directory, "constellation-conf.yaml");
            File.WriteAllText(Config, ConstellationConfigFile.Generate(CloudProvider.Qemu, image: "v2.23.0"));
            InitSecret = Path.Combine(directory, "init-secret");
            File.WriteAllText(InitSecret, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
        }

        public string SnpReport { get; } = TestData.Evidence("snp/azure-milan-vcek-report.bin");

        public string SnpSigner { get; } = TestData.Evidence("snp/azure-milan-vcek.pem");

        public string SnpChain { get; } = TestData.Evidence("snp/milan-ask-ark.pem");

        public string TdxQuote { get; } = TestData.Evidence("tdx/spr-e4-quote-v4.dat");

        public string TpmAttest { get; } = TestData.Evidence($"{Tpm}.quote-sha256.tpms_attest.bin");

        public string TpmSignature { get; } = TestData.Evidence($"{Tpm}.quote-sha256.tpmt_signature.bin");

        public string TpmAk { get; }

        public string Config { get; }

        public string InitSecret { get; }

        public string Workspace { get; }
    }
}
