using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// The TDX module the quote names must be the one TCB info vouches for: MRSIGNERSEAM equals <c>mrsigner</c> and
/// (SEAMATTRIBUTES AND <c>attributesMask</c>) equals <c>attributes</c>, taken from the module identity <c>TDX_xx</c> selected by
/// TEE_TCB_SVN[1] when it is non-zero, and from the top-level <c>tdxModule</c> always (Intel QVL QuoteVerifier.cpp step
/// 4.1.2.4.11, github.com/intel/SGX-TDX-DCAP-QuoteVerificationLibrary at 0e3dfb18657fc422a02646ea0fd58b28d6c49198, replaces the
/// top-level values by the identity's; we keep both checks). The real v5 quote selects TDX_01; the synthetic quote has
/// TEE_TCB_SVN[1] = 0.
/// </summary>
public sealed class TdxModuleIdentityBindingTests : IDisposable
{
    private static readonly string Zero48 = new('0', 96);
    private static readonly string OtherSigner = "0123456789abcdef" + new string('0', 80);

    private ResignedV5Collateral _v5 = null!;
    private SyntheticTdx _pki = null!;

    [SetUp]
    public void SetUp()
    {
        _v5 = new ResignedV5Collateral();
        _pki = new SyntheticTdx();
    }

    [TearDown]
    public void TearDown()
    {
        _v5.Dispose();
        _pki.Dispose();
    }

    public void Dispose()
    {
        _v5?.Dispose();
        _pki?.Dispose();
    }

    [Test]
    public void A_module_identity_whose_mrsigner_is_not_the_quotes_MRSIGNERSEAM_is_refused()
    {
        var info = ResignedV5Collateral.TcbInfo();
        ResignedV5Collateral.Tdx01(info)["mrsigner"] = OtherSigner;

        var violation = V5Violation(info);

        violation.Field.Should().Be("tdxModuleIdentity.mrsigner");
        violation.Expected.Should().Be(OtherSigner + " (TCB info tdxModuleIdentities[TDX_01].mrsigner)");
        violation.Actual.Should().Be(Zero48);
    }

    [Test]
    public void A_module_identity_whose_attributes_do_not_match_SEAMATTRIBUTES_under_its_mask_is_refused()
    {
        var info = ResignedV5Collateral.TcbInfo();
        ResignedV5Collateral.Tdx01(info)["attributes"] = "0000000000000001";

        var violation = V5Violation(info);

        violation.Field.Should().Be("tdxModuleIdentity.attributes");
        violation.Expected.Should().Be("0000000000000001 under mask ffffffffffffffff (TCB info tdxModuleIdentities[TDX_01].attributes)");
        violation.Actual.Should().Be("0000000000000000");
    }

    [Test]
    public void Another_module_identity_than_the_one_TEE_TCB_SVN_selects_is_not_compared()
    {
        var info = ResignedV5Collateral.TcbInfo();
        var tdx03 = info["tdxModuleIdentities"]!.AsArray().Single(i => (string?)i!["id"] == "TDX_03")!;
        tdx03["mrsigner"] = OtherSigner;
        tdx03["attributes"] = "0000000000000001";

        _v5.Verify(info).Verification.Tcb!.ModuleIdentity!.Id.Should().Be("TDX_01");
    }

    [Test]
    public void The_top_level_tdxModule_mrsigner_is_still_compared_when_a_module_identity_applies()
    {
        var info = ResignedV5Collateral.TcbInfo();
        info["tdxModule"]!["mrsigner"] = OtherSigner;

        var violation = V5Violation(info);

        violation.Field.Should().Be("mrSignerSeam");
        violation.Expected.Should().Be(OtherSigner + " (TCB info tdxModule.mrsigner)");
    }

    [Test]
    public void Without_a_module_version_a_MRSIGNERSEAM_other_than_the_top_level_tdxModule_mrsigner_is_refused()
    {
        var violation = SyntheticViolation(body => body[0x40] = 0x01);

        violation.Field.Should().Be("mrSignerSeam");
        violation.Expected.Should().Be(Zero48 + " (TCB info tdxModule.mrsigner)");
        violation.Actual.Should().Be("01" + new string('0', 94));
    }

    [Test]
    public void Without_a_module_version_SEAMATTRIBUTES_outside_the_top_level_tdxModule_attributes_are_refused()
    {
        var violation = SyntheticViolation(body => body[0x77] = 0x80);

        violation.Field.Should().Be("seamAttributes");
        violation.Expected.Should().Be("0000000000000000 under mask ffffffffffffffff (TCB info tdxModule.attributes)");
        violation.Actual.Should().Be("0000000000000080");
    }

    // The single violation of the real v5 quote against edited, re-signed TCB info.
    private PolicyViolation V5Violation(System.Text.Json.Nodes.JsonObject tcbInfo)
    {
        var act = () => _v5.Verify(tcbInfo);

        return act.Should().Throw<TdxPolicyException>().Which.Violations.Should().ContainSingle().Subject;
    }

    // The single violation of a synthetic quote (TEE_TCB_SVN[1] = 0) whose body was edited before signing.
    private PolicyViolation SyntheticViolation(Action<byte[]> editBody)
    {
        var quote = TdxQuote.Parse(_pki.Quote(editBody));

        var act = () => new TdxQuoteVerifier(_pki.Options).VerifyAndValidate(quote, _pki.Collateral());

        return act.Should().Throw<TdxPolicyException>().Which.Violations.Should().ContainSingle().Subject;
    }
}
