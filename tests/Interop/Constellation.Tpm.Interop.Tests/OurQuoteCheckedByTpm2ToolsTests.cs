using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Tpm.Interop.Tests;

/// <summary>Quotes made by our TPM commands and our vTPM issuer, checked by tpm2_checkquote.</summary>
[NonParallelizable]
public class OurQuoteCheckedByTpm2ToolsTests
{
    private SwtpmProcess _swtpm = null!;
    private string _dir = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _dir = Directory.CreateTempSubdirectory("our-quote-").FullName;
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _swtpm.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task A_quote_from_our_TPM_commands_passes_tpm2_checkquote_and_a_wrong_nonce_fails()
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        await using (var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(_swtpm.Host, _swtpm.Port)))
        {
            var ak = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate());
            var (attest, signature) = await tpm.QuoteAsync(ak.Handle, nonce, [TpmPcrSelection.All(TpmAlgorithm.Sha256)]);
            await tpm.FlushContextAsync(ak.Handle);
            await WriteAsync(ak.Public, attest, signature);
        }

        (await Tpm2Tools.RunAsync(_swtpm, _dir, "tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-q", Convert.ToHexStringLower(nonce), "-g", "sha256")).ExitCode.Should().Be(0);
        (await Tpm2Tools.RunAsync(_swtpm, _dir, "tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-q", "00", "-g", "sha256")).ExitCode.Should().NotBe(0);
    }

    [Test]
    public async Task Every_quote_in_a_vTPM_document_from_our_issuer_passes_tpm2_checkquote_with_the_tpm_nonce()
    {
        var userData = Encoding.ASCII.GetBytes("VerifyService");
        var nonce = RandomNumberGenerator.GetBytes(32);
        using var issuer = QemuVtpmVariant.CreateIssuer(async ct => await SwtpmSocketTransport.ConnectAsync(_swtpm.Host, _swtpm.Port, ct), new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) });
        var document = VtpmDocument.Parse(await issuer.IssueAsync(userData, nonce));
        var tpmNonce = SHA256.HashData(SHA256.HashData([.. userData, .. nonce]));
        var ak = TpmPublic.Parse(document.Attestation.AkPublic.Span);

        foreach (var quote in document.Attestation.Quotes)
        {
            await WriteAsync(ak, quote.Quote.ToArray(), quote.RawSignature.ToArray());
            var (code, output) = await Tpm2Tools.RunAsync(_swtpm, _dir, "tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-q", Convert.ToHexStringLower(tpmNonce), "-g", "sha256");
            code.Should().Be(0, $"the {TpmHash.ToDisplayName(quote.Bank)} quote must pass tpm2_checkquote: {output}");
        }
    }

    private async Task WriteAsync(TpmPublic ak, byte[] attest, byte[] signature)
    {
        using var rsa = ak.CreateRsa();
        await File.WriteAllTextAsync(Path.Combine(_dir, "ak.pem"), rsa.ExportSubjectPublicKeyInfoPem());
        await File.WriteAllBytesAsync(Path.Combine(_dir, "quote.msg"), attest);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "quote.sig"), signature);
    }
}
