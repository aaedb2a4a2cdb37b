using System;
using System.Collections.Generic;
using System.Globalization;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Whether verified collateral describes this quote: TCB info for the PCK certificate's platform and the quote's SEAM
/// module, QE identity for the quote's quoting enclave. Every mismatch is collected; none short-circuits.
/// </summary>
internal static class TdxCollateralBinding
{
    public static IReadOnlyList<PolicyViolation> TcbInfoMismatches(TdxQuoteBody body, PckCertificateExtensions pck, TdxTcbInfo tcbInfo, TdxTcbEvaluation evaluation)
    {
        var v = new List<PolicyViolation>();
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
        if (evaluation.ModuleIdentity is { } identity)
        {
            CheckSeamModule(body, "tdxModuleIdentity.mrsigner", "tdxModuleIdentity.attributes", $"TCB info tdxModuleIdentities[{identity.Id}]",
                identity.MrSigner, identity.Attributes, identity.AttributesMask, v);
        }

        return v;
    }

    public static IReadOnlyList<PolicyViolation> QeIdentityMismatches(SgxReportBody qe, TdxQeIdentity identity)
    {
        var v = new List<PolicyViolation>();
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
            v.Add(new("qeIdentity.attributes", $"{Convert.ToHexStringLower(identity.Attributes)} under mask {Convert.ToHexStringLower(identity.AttributesMask)}", Convert.ToHexStringLower(qe.Attributes)));
        }

        if (!qe.MrSigner.SequenceEqual(identity.MrSigner))
        {
            v.Add(new("qeIdentity.mrsigner", Convert.ToHexStringLower(identity.MrSigner), Convert.ToHexStringLower(qe.MrSigner)));
        }

        if (qe.IsvProdId != identity.IsvProdId)
        {
            v.Add(new("qeIdentity.isvprodid", identity.IsvProdId.ToString(CultureInfo.InvariantCulture), qe.IsvProdId.ToString(CultureInfo.InvariantCulture)));
        }

        return v;
    }

    // MRSIGNERSEAM must equal mrsigner, and SEAMATTRIBUTES under attributesMask must equal attributes (byte by byte).
    private static void CheckSeamModule(TdxQuoteBody body, string mrSignerField, string attributesField, string source,
        ReadOnlySpan<byte> mrSigner, ReadOnlySpan<byte> attributes, ReadOnlySpan<byte> mask, List<PolicyViolation> v)
    {
        if (!body.MrSignerSeam.SequenceEqual(mrSigner))
        {
            v.Add(new(mrSignerField, $"{Convert.ToHexStringLower(mrSigner)} ({source}.mrsigner)", Convert.ToHexStringLower(body.MrSignerSeam)));
        }

        var seam = body.SeamAttributesBytes;
        var matches = true;
        for (var i = 0; i < seam.Length; i++)
        {
            matches &= (seam[i] & mask[i]) == attributes[i];
        }

        if (!matches)
        {
            v.Add(new(attributesField, $"{Convert.ToHexStringLower(attributes)} under mask {Convert.ToHexStringLower(mask)} ({source}.attributes)", Convert.ToHexStringLower(seam)));
        }
    }
}
