using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxTcbEvaluatorTests
{
    [Test]
    public void The_SPR_E4_quote_matches_no_TCB_level_of_its_TCB_info()
    {
        var quote = RealTdx.V4;
        var pck = PckCertificateExtensions.Read(TdxQuoteVerifier.ReadPckChain(quote)[0]);

        var result = TdxTcbEvaluator.Evaluate(quote.Body, pck, TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info.json")));

        result.IsMatched.Should().BeFalse();
        result.Status.Should().BeNull();
        result.NoMatchReason.Should().StartWith("no matching TCB level found");
    }

    [Test]
    public void The_v5_sample_matches_the_UpToDate_level_and_the_TDX_01_module_identity()
    {
        var quote = RealTdx.V5;
        var pck = PckCertificateExtensions.Read(TdxQuoteVerifier.ReadPckChain(quote)[0]);

        var result = TdxTcbEvaluator.Evaluate(quote.Body, pck, TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info-v5-sample.json")));

        result.IsMatched.Should().BeTrue();
        result.Status.Should().Be(TcbStatus.UpToDate);
        result.PlatformLevel!.TcbDate.Should().Be(new DateTimeOffset(2024, 11, 13, 0, 0, 0, TimeSpan.Zero));
        result.PlatformLevel.Status.Should().Be(TcbStatus.UpToDate);
        result.ModuleIdentity!.Id.Should().Be("TDX_01");
        result.ModuleLevel!.IsvSvn.Should().Be(6);
        result.AdvisoryIds.Should().BeEmpty();
        result.OutOfDateSince.Should().BeNull();
    }
}
