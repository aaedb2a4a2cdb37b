using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Tests.Cli;
using Constellation.Tests.Swtpm;

namespace Constellation.Tpm.Interop.Tests;

/// <summary>Quotes made by tpm2_quote (tpm2-tools) on a real swtpm, verified by our verifier and by the published CLI binary.</summary>
[NonParallelizable]
public class Tpm2QuoteVerifiedByUsTests
{
    private const string Nonce = "c0ffee0123456789";
    private SwtpmProcess _swtpm = null!;
    private string _dir = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _dir = Directory.CreateTempSubdirectory("tpm2-quote-").FullName;
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _swtpm.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [TestCase("rsa2048:rsassa-sha256:null")]
    [TestCase("ecc256:ecdsa-sha256:null")]
    public async Task A_tpm2_quote_verifies_with_our_verifier_including_the_PCR_digest(string algorithm)
    {
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_createprimary", "-C", "o", "-G", algorithm, "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-c", "ak.ctx");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_readpublic", "-c", "ak.ctx", "-f", "pem", "-o", "ak.pem");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_quote", "-c", "ak.ctx", "-l", "sha256:0,1,2,3,16,23", "-q", Nonce, "-m", "quote.msg", "-s", "quote.sig", "-g", "sha256");

        var ak = TpmPublic.FromSubjectPublicKeyInfo(PemSpki(Path.Combine(_dir, "ak.pem")));
        IReadOnlyDictionary<int, byte[]> pcrs;
        await using (var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(_swtpm.Host, _swtpm.Port)))
        {
            pcrs = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [0, 1, 2, 3, 16, 23]));
        }

        var quote = new TpmQuote(File.ReadAllBytes(Path.Combine(_dir, "quote.msg")), File.ReadAllBytes(Path.Combine(_dir, "quote.sig")), TpmAlgorithm.Sha256, pcrs);
        var verified = new TpmQuoteVerifier().Verify(quote, ak);
        TpmQuoteValidator.Validate(verified, new TpmValidationOptions(Convert.FromHexString(Nonce))).ThrowIfInvalid();

        verified.Attest.PcrSelections.Should().ContainSingle().Which.Indices.Should().Equal(0, 1, 2, 3, 16, 23);
    }

    [Test]
    public async Task The_CLI_verifies_tpm2_quote_files_and_rejects_a_wrong_nonce()
    {
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_createprimary", "-C", "o", "-G", "rsa2048:rsassa-sha256:null", "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-c", "ak.ctx");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_readpublic", "-c", "ak.ctx", "-f", "pem", "-o", "ak.pem");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_quote", "-c", "ak.ctx", "-l", "sha256:0,1,2", "-q", Nonce, "-m", "quote.msg", "-s", "quote.sig", "-g", "sha256");
        string[] args = ["evidence", "verify", "tpm-quote", Path.Combine(_dir, "quote.msg"), "--signature", Path.Combine(_dir, "quote.sig"), "--ak", Path.Combine(_dir, "ak.pem")];

        var accepted = await CliRunner.RunAsync([.. args, "--nonce", Nonce]);
        accepted.ExitCode.Should().Be(0, accepted.Output + accepted.Error);
        var rejected = await CliRunner.RunAsync([.. args, "--nonce", "00"]);
        rejected.ExitCode.Should().Be(1, rejected.Output + rejected.Error);
    }

    private static byte[] PemSpki(string path)
    {
        var pem = File.ReadAllText(path);
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
