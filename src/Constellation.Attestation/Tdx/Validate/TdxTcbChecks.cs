using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>Collateral-dependent checks: TCB info binding, TCB level and status, advisories, QE identity. All violations collected.</summary>
internal static class TdxTcbChecks
{
    public static TdxTcbEvaluation Check(TdxQuote quote, PckCertificateExtensions pck, TdxTcbInfo tcbInfo, TdxQuotePolicy policy, DateTimeOffset at,
        List<PolicyViolation> v, List<string> warnings)
    {
        var body = quote.Body;
        if (!string.Equals(pck.FmspcHex, tcbInfo.Fmspc, StringComparison.OrdinalIgnoreCase))
        {
            v.Add(new("tcbInfo.fmspc", pck.FmspcHex + " (from the PCK certificate)", tcbInfo.Fmspc));
        }

        if (!string.Equals(pck.PceIdHex, tcbInfo.PceId, StringComparison.OrdinalIgnoreCase))
        {
            v.Add(new("tcbInfo.pceId", pck.PceIdHex + " (from the PCK certificate)", tcbInfo.PceId));
        }

        // The top-level tdxModule always binds the SEAM module; the identity TEE_TCB_SVN[1] selects binds it as well
        // (Intel QVL uses the identity's values instead of the top-level ones; requiring both is never looser).
        CheckSeamModule(body, "mrSignerSeam", "seamAttributes", "TCB info tdxModule", tcbInfo.ModuleMrSigner, tcbInfo.ModuleAttributes, tcbInfo.ModuleAttributesMask, v);
        var evaluation = TdxTcbEvaluator.Evaluate(body, pck, tcbInfo);
        if (evaluation.ModuleIdentity is { } identity)
        {
            CheckSeamModule(body, "tdxModuleIdentity.mrsigner", "tdxModuleIdentity.attributes", $"TCB info tdxModuleIdentities[{identity.Id}]",
                identity.MrSigner, identity.Attributes, identity.AttributesMask, v);
        }

        if (!evaluation.IsMatched)
        {
            v.Add(new("tcbStatus", Accepted(policy), evaluation.NoMatchReason!));
            return evaluation;
        }

        CheckStatus("tcbStatus", evaluation.Status!, Describe(evaluation), evaluation.OutOfDateSince, policy, at, v, warnings);
        var denied = evaluation.AdvisoryIds.Where(policy.DeniedAdvisoryIds.Contains).ToArray();
        if (denied.Length > 0)
        {
            v.Add(new("advisoryIds", "none of the denied advisories", string.Join(", ", denied)));
        }

        return evaluation;
    }

    public static TdxModuleTcbLevel? CheckQeIdentity(SgxReportBody qe, TdxQeIdentity identity, TdxQuotePolicy policy, List<PolicyViolation> v)
    {
        if ((qe.MiscSelect & identity.MiscSelectMask) != identity.MiscSelect)
        {
            v.Add(new("qeIdentity.miscselect", $"0x{identity.MiscSelect:x8} under mask 0x{identity.MiscSelectMask:x8}", $"0x{qe.MiscSelect:x8}"));
        }

        Span<byte> masked = stackalloc byte[16];
        for (var i = 0; i < 16; i++)
        {
            masked[i] = (byte)(qe.Attributes[i] & identity.AttributesMask[i]);
        }

        if (!masked.SequenceEqual(identity.Attributes))
        {
            v.Add(new("qeIdentity.attributes", $"{Hex.Lower(identity.Attributes)} under mask {Hex.Lower(identity.AttributesMask)}", Hex.Lower(qe.Attributes)));
        }

        if (!qe.MrSigner.SequenceEqual(identity.MrSigner))
        {
            v.Add(new("qeIdentity.mrsigner", Hex.Lower(identity.MrSigner), Hex.Lower(qe.MrSigner)));
        }

        if (qe.IsvProdId != identity.IsvProdId)
        {
            v.Add(new("qeIdentity.isvprodid", identity.IsvProdId.ToString(CultureInfo.InvariantCulture), qe.IsvProdId.ToString(CultureInfo.InvariantCulture)));
        }

        var level = identity.TcbLevels.FirstOrDefault(l => l.IsvSvn <= qe.IsvSvn);
        if (level is null)
        {
            v.Add(new("qeIdentity.tcbStatus", Accepted(policy), $"no QE TCB level matches ISV SVN {qe.IsvSvn}"));
        }
        else if (!policy.AcceptedTcbStatuses.Contains(level.Status))
        {
            v.Add(new("qeIdentity.tcbStatus", Accepted(policy), $"{level.Status} (QE ISV SVN {qe.IsvSvn})"));
        }

        return level;
    }

    // MRSIGNERSEAM must equal mrsigner, and SEAMATTRIBUTES under attributesMask must equal attributes (byte by byte).
    private static void CheckSeamModule(TdxQuoteBody body, string mrSignerField, string attributesField, string source,
        ReadOnlySpan<byte> mrSigner, ReadOnlySpan<byte> attributes, ReadOnlySpan<byte> mask, List<PolicyViolation> v)
    {
        if (!body.MrSignerSeam.SequenceEqual(mrSigner))
        {
            v.Add(new(mrSignerField, $"{Hex.Lower(mrSigner)} ({source}.mrsigner)", Hex.Lower(body.MrSignerSeam)));
        }

        var seam = body.SeamAttributesBytes;
        var matches = true;
        for (var i = 0; i < seam.Length; i++)
        {
            matches &= (seam[i] & mask[i]) == attributes[i];
        }

        if (!matches)
        {
            v.Add(new(attributesField, $"{Hex.Lower(attributes)} under mask {Hex.Lower(mask)} ({source}.attributes)", Hex.Lower(seam)));
        }
    }

    // The combined status, with its two inputs when a TDX module identity took part.
    private static string Describe(TdxTcbEvaluation e) => e.ModuleLevel is { } m
        ? $"{e.Status} (platform {e.PlatformLevel!.Status}, TDX module {e.ModuleIdentity!.Id} {m.Status})"
        : e.Status!;

    private static void CheckStatus(string field, string status, string shown, DateTimeOffset? outOfDateSince, TdxQuotePolicy policy, DateTimeOffset at,
        List<PolicyViolation> v, List<string> warnings)
    {
        if (policy.AcceptedTcbStatuses.Contains(status))
        {
            return;
        }

        if (TcbStatus.IsOutOfDate(status) && policy.OutOfDateGracePeriod is { } grace && outOfDateSince is { } since)
        {
            if (at <= since + grace)
            {
                warnings.Add($"TCB status {shown}: out of date since {CertificateRevocationList.Format(since)}, accepted within the grace period of {grace}");
                return;
            }

            v.Add(new(field, Accepted(policy), $"{shown}: out of date since {CertificateRevocationList.Format(since)}, grace period {grace} elapsed"));
            return;
        }

        v.Add(new(field, Accepted(policy), shown));
    }

    private static string Accepted(TdxQuotePolicy policy) => "one of " + string.Join(", ", policy.AcceptedTcbStatuses.Order(StringComparer.Ordinal));
}
