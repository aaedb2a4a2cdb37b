using System.Text;
using System.Text.Json.Nodes;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// The real TDX 1.5 quote (sample-quote-v5.dat) with its real TCB info (tcb-info-v5-sample.json) edited and re-signed by
/// a test TCB signing key, plus a QE identity valid at <see cref="RealTdx.V5Pinned"/>. The verifier trusts the Intel SGX
/// Root CA (for the quote's real PCK chain) and, explicitly, the test root (for the re-signed collateral). No CRLs valid
/// in 2026 exist in the test data, so the verification does not require them.
/// </summary>
internal sealed class ResignedV5Collateral : IDisposable
{
    private readonly SyntheticTdx _signer = new();

    public static TdxQuote Quote => RealTdx.V5;

    public static DateTimeOffset At => RealTdx.V5Pinned;

    public TdxQuoteVerifier Verifier => new(new TdxVerificationOptions { TrustedRoots = [RealTdx.Root, _signer.Root], RequireRevocationLists = false, VerificationTime = At });

    public static TdxValidationOptions Policy(TimeSpan? outOfDateGrace = null, params string[] accepted) => new()
    {
        OutOfDateGracePeriod = outOfDateGrace,
        AcceptedTcbStatuses = new HashSet<string>(accepted.Length == 0 ? [TcbStatus.UpToDate] : accepted, StringComparer.Ordinal),
    };

    /// <summary>The <c>tcbInfo</c> member of the real v5 TCB info, to edit.</summary>
    public static JsonObject TcbInfo() => Member(RealTdx.Collateral("tcb-info-v5-sample.json"), "tcbInfo");

    /// <summary>The TDX_01 module identity (the one sample-quote-v5.dat's TEE_TCB_SVN[1] = 1 selects) inside <paramref name="tcbInfo"/>.</summary>
    public static JsonObject Tdx01(JsonObject tcbInfo) =>
        tcbInfo["tdxModuleIdentities"]!.AsArray().Select(i => i!.AsObject()).Single(i => (string?)i["id"] == "TDX_01");

    /// <summary>Parses edited TCB info without a valid signature (for <see cref="TdxTcbEvaluator"/>, which does not check it).</summary>
    public static TdxTcbInfo Unsigned(JsonObject tcbInfo) =>
        TdxTcbInfo.Parse(Encoding.UTF8.GetBytes($"{{\"tcbInfo\":{tcbInfo.ToJsonString()},\"signature\":\"{new string('0', 128)}\"}}"));

    /// <summary>Collateral with <paramref name="tcbInfo"/> signed by the test TCB signing key.</summary>
    public TdxCollateral Collateral(JsonObject tcbInfo)
    {
        var qe = Member(RealTdx.Collateral("qe-identity.json"), "enclaveIdentity");
        qe["issueDate"] = "2026-02-01T00:00:00Z";
        qe["nextUpdate"] = "2026-03-03T00:00:00Z";
        return new TdxCollateral
        {
            TcbInfo = TdxTcbInfo.Parse(_signer.SignedBody("tcbInfo", tcbInfo.ToJsonString())),
            TcbInfoIssuerChain = [_signer.TcbSigning, _signer.Root],
            QeIdentity = TdxQeIdentity.Parse(_signer.SignedBody("enclaveIdentity", qe.ToJsonString())),
            QeIdentityIssuerChain = [_signer.TcbSigning, _signer.Root],
        };
    }

    public TdxQuoteValidationResult Verify(JsonObject tcbInfo, TdxValidationOptions? policy = null) =>
        Verifier.VerifyAndValidate(Quote, Collateral(tcbInfo), policy ?? Policy());

    public void Dispose() => _signer.Dispose();

    private static JsonObject Member(byte[] body, string name) => JsonNode.Parse(body)![name]!.AsObject();
}
