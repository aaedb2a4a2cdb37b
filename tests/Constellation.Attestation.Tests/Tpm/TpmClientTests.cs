using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>Our TPM commands against a real swtpm, and response-code decoding.</summary>
[NonParallelizable]
public class TpmClientTests
{
    [TestCase(0x000002C4u, "TPM_RC_VALUE (0x000002c4) at parameter 2")]
    [TestCase(0x0000018Bu, "TPM_RC_HANDLE (0x0000018b) at handle 1")]
    [TestCase(0x00000922u, "TPM_RC_RETRY (0x00000922, warning)")]
    [TestCase(0x00000101u, "TPM_RC_FAILURE (0x00000101)")]
    [TestCase(0x00000100u, "TPM_RC_INITIALIZE (0x00000100)")]
    [TestCase(0x00000910u, "TPM_RC_REFERENCE_H0 (0x00000910, warning)")]
    [TestCase(0x000009A2u, "TPM_RC_BAD_AUTH (0x000009a2) at session 1")]
    [TestCase(0x0000001Eu, "TPM 1.2 response code (0x0000001e)")]
    public void Response_codes_are_decoded_into_names_and_positions(uint code, string expected)
    {
        TpmResponseCode.Describe(code).Should().Be(expected);
    }

    [Test]
    public async Task Commands_work_on_a_real_swtpm()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        await using var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port));

        (await tpm.StartupAsync()).Should().BeFalse("swtpm was started with startup-clear");
        (await tpm.GetRandomAsync(48)).Should().HaveCount(48);
        (await tpm.GetPcrBanksAsync()).Select(b => b.Hash).Should().Contain([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256]);
        var before = await tpm.PcrReadAsync(TpmPcrSelection.All(TpmAlgorithm.Sha256));
        before.Should().HaveCount(24);
        var digest = System.Security.Cryptography.SHA256.HashData("event"u8);
        await tpm.PcrExtendAsync(23, TpmAlgorithm.Sha256, digest);
        var after = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [23]));
        after[23].Should().Equal(System.Security.Cryptography.SHA256.HashData([.. before[23], .. digest]));
        var ak = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate());
        var read = await tpm.ReadPublicAsync(ak.Handle);
        read.Public.ToArray().Should().Equal(ak.Public.ToArray());
        read.Name.ToArray().Should().Equal(ak.Public.ComputeName());
        var (attest, signature) = await tpm.QuoteAsync(ak.Handle, new byte[] { 1, 2, 3 }, [TpmPcrSelection.All(TpmAlgorithm.Sha256)]);
        var pcrs = await tpm.PcrReadAsync(TpmPcrSelection.All(TpmAlgorithm.Sha256));
        var verified = QuoteVerification.VerifyAndBind(ak.Public, new TpmQuote(attest, signature, TpmAlgorithm.Sha256, pcrs), new byte[] { 1, 2, 3 });
        verified.Attest.QualifiedSigner.ToArray().Should().Equal(ak.Public.ComputeQualifiedName([0x40, 0x00, 0x00, 0x01]));
        await tpm.FlushContextAsync(ak.Handle);
    }

    [Test]
    public async Task A_failing_command_raises_a_typed_error_with_the_decoded_code()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        await using var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port));

        var act = async () => await tpm.NvReadAsync(TpmHandles.GceAkCertificateRsa);

        var thrown = await act.Should().ThrowAsync<TpmCommandException>();
        thrown.Which.Command.Should().Be("TPM2_NV_ReadPublic");
        thrown.Which.Message.Should().StartWith("TPM2_NV_ReadPublic failed: TPM_RC_HANDLE");
    }

    [Test]
    public async Task A_flushed_key_cannot_quote()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        await using var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port));
        var ak = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.EccAttestationKeyTemplate());
        await tpm.FlushContextAsync(ak.Handle);

        var act = async () => await tpm.QuoteAsync(ak.Handle, new byte[] { 1 }, [TpmPcrSelection.All(TpmAlgorithm.Sha256)]);

        (await act.Should().ThrowAsync<TpmCommandException>()).Which.Message.Should().StartWith("TPM2_Quote failed:");
    }

    [Test]
    public async Task A_closed_connection_is_a_transport_error()
    {
        var swtpm = await SwtpmProcess.StartAsync();
        var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port));
        await swtpm.DisposeAsync();

        var act = async () => await tpm.GetRandomAsync(8);

        await act.Should().ThrowAsync<TpmTransportException>();
        await tpm.DisposeAsync();
    }
}
