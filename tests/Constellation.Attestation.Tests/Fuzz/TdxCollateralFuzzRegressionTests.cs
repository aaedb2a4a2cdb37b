using Constellation.Tests;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// afl++ found TCB info bodies with invalid UTF-8 (outside the signed member, and inside a string of it) that escaped
/// as <see cref="InvalidOperationException"/>. The QE identity shares the same reader.
/// </summary>
public class TdxCollateralFuzzRegressionTests
{
    [TestCase("invalid-utf8-outside-tcbinfo.json")]
    [TestCase("invalid-utf8-in-string.json")]
    public void Tcb_info_with_invalid_utf8_is_a_format_error(string input)
    {
        var act = () => TdxTcbInfo.Parse(FuzzRegression.Input("tdx-tcb-info", input));

        act.Should().Throw<AttestationFormatException>().WithMessage("TCB info: not valid UTF-8*");
    }

    [Test]
    public void Qe_identity_with_invalid_utf8_is_a_format_error()
    {
        var body = TestData.EvidenceBytes("tdx/collateral/qe-identity.json");
        body[body.AsSpan().IndexOf("\"id\":\""u8) + 6] = 0xff;

        var act = () => TdxQeIdentity.Parse(body);

        act.Should().Throw<AttestationFormatException>().WithMessage("*not valid UTF-8*");
    }
}
