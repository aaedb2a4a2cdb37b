namespace Constellation.Packaging.Tests.Samples;

[TestsSample("TdxQuoteVerification")]
public class TdxQuoteVerificationSampleTests
{
    [Test]
    public async Task The_tdx_sample_verifies_the_real_quote_with_its_stored_collateral_and_refuses_it_for_its_tcb_level()
    {
        var (code, output) = await SampleBuilds.RunAsync("TdxQuoteVerification");

        // testdata/MANIFEST.md: every signature and chain verifies, but no TCB level matches this platform.
        code.Should().Be(1, output);
        output.Should().Contain("quote signature, QE report signature and QE binding: verified")
            .And.Contain("PCK chain to Intel SGX Root CA, PCK and root CA CRLs: verified")
            .And.Contain("TCB level: no match: no matching TCB level found")
            .And.Contain("tcbStatus: expected one of UpToDate")
            .And.Contain("verdict: rejected");
    }

    [Test]
    public async Task The_tdx_sample_refuses_a_quote_whose_signature_was_altered_before_judging_any_tcb()
    {
        var evidence = SampleBuilds.Scratch("tdx-evidence");
        SampleBuilds.CopyDirectory(Path.Combine(await SampleBuilds.BuildAsync("TdxQuoteVerification"), "evidence"), evidence);
        var quote = Path.Combine(evidence, "gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat");
        var bytes = await File.ReadAllBytesAsync(quote);
        bytes[636] ^= 0x01; // inside the quote signature (it starts after the 48-byte header, 584-byte body and 4-byte length)
        await File.WriteAllBytesAsync(quote, bytes);

        var (code, output) = await SampleBuilds.RunAsync("TdxQuoteVerification", "--evidence", evidence);

        code.Should().Be(1, output);
        output.Should().Contain("rejected during verification").And.Contain("AttestationSignatureException");
        output.Should().NotContain("TCB level");
    }
}
