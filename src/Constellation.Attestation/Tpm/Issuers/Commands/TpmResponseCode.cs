using System.Collections.Generic;
using System.Globalization;

namespace Constellation.Attestation.Tpm.Issuers.Commands;

/// <summary>Decodes TPM 2.0 response codes (TPM_RC, TCG TPM 2.0 Library Part 2 §6.6) into readable text.</summary>
public static class TpmResponseCode
{
    /// <summary>TPM_RC_SUCCESS.</summary>
    public const uint Success = 0;

    /// <summary>TPM_RC_INITIALIZE: TPM2_Startup was already run (or not yet run for other commands).</summary>
    public const uint Initialize = 0x100;

    private static readonly Dictionary<uint, string> Format1 = new()
    {
        [0x01] = "TPM_RC_ASYMMETRIC", [0x02] = "TPM_RC_ATTRIBUTES", [0x03] = "TPM_RC_HASH", [0x04] = "TPM_RC_VALUE",
        [0x05] = "TPM_RC_HIERARCHY", [0x07] = "TPM_RC_KEY_SIZE", [0x08] = "TPM_RC_MGF", [0x09] = "TPM_RC_MODE",
        [0x0A] = "TPM_RC_TYPE", [0x0B] = "TPM_RC_HANDLE", [0x0C] = "TPM_RC_KDF", [0x0D] = "TPM_RC_RANGE",
        [0x0E] = "TPM_RC_AUTH_FAIL", [0x0F] = "TPM_RC_NONCE", [0x10] = "TPM_RC_PP", [0x12] = "TPM_RC_SCHEME",
        [0x15] = "TPM_RC_SIZE", [0x16] = "TPM_RC_SYMMETRIC", [0x17] = "TPM_RC_TAG", [0x18] = "TPM_RC_SELECTOR",
        [0x1A] = "TPM_RC_INSUFFICIENT", [0x1B] = "TPM_RC_SIGNATURE", [0x1C] = "TPM_RC_KEY", [0x1D] = "TPM_RC_POLICY_FAIL",
        [0x1F] = "TPM_RC_INTEGRITY", [0x20] = "TPM_RC_TICKET", [0x21] = "TPM_RC_RESERVED_BITS", [0x22] = "TPM_RC_BAD_AUTH",
        [0x23] = "TPM_RC_EXPIRED", [0x24] = "TPM_RC_POLICY_CC", [0x25] = "TPM_RC_BINDING", [0x26] = "TPM_RC_CURVE",
        [0x27] = "TPM_RC_ECC_POINT",
    };

    private static readonly Dictionary<uint, string> Version1 = new()
    {
        [0x000] = "TPM_RC_INITIALIZE", [0x001] = "TPM_RC_FAILURE", [0x003] = "TPM_RC_SEQUENCE", [0x00B] = "TPM_RC_PRIVATE",
        [0x019] = "TPM_RC_HMAC", [0x020] = "TPM_RC_DISABLED", [0x021] = "TPM_RC_EXCLUSIVE", [0x024] = "TPM_RC_AUTH_TYPE",
        [0x025] = "TPM_RC_AUTH_MISSING", [0x026] = "TPM_RC_POLICY", [0x027] = "TPM_RC_PCR", [0x028] = "TPM_RC_PCR_CHANGED",
        [0x02D] = "TPM_RC_UPGRADE", [0x02E] = "TPM_RC_TOO_MANY_CONTEXTS", [0x02F] = "TPM_RC_AUTH_UNAVAILABLE",
        [0x030] = "TPM_RC_REBOOT", [0x031] = "TPM_RC_UNBALANCED", [0x042] = "TPM_RC_COMMAND_SIZE", [0x043] = "TPM_RC_COMMAND_CODE",
        [0x044] = "TPM_RC_AUTHSIZE", [0x045] = "TPM_RC_AUTH_CONTEXT", [0x046] = "TPM_RC_NV_RANGE", [0x047] = "TPM_RC_NV_SIZE",
        [0x048] = "TPM_RC_NV_LOCKED", [0x049] = "TPM_RC_NV_AUTHORIZATION", [0x04A] = "TPM_RC_NV_UNINITIALIZED",
        [0x04B] = "TPM_RC_NV_SPACE", [0x04C] = "TPM_RC_NV_DEFINED", [0x050] = "TPM_RC_BAD_CONTEXT", [0x051] = "TPM_RC_CPHASH",
        [0x052] = "TPM_RC_PARENT", [0x053] = "TPM_RC_NEEDS_TEST", [0x054] = "TPM_RC_NO_RESULT", [0x055] = "TPM_RC_SENSITIVE",
    };

    private static readonly Dictionary<uint, string> Warnings = new()
    {
        [0x001] = "TPM_RC_CONTEXT_GAP", [0x002] = "TPM_RC_OBJECT_MEMORY", [0x003] = "TPM_RC_SESSION_MEMORY", [0x004] = "TPM_RC_MEMORY",
        [0x005] = "TPM_RC_SESSION_HANDLES", [0x006] = "TPM_RC_OBJECT_HANDLES", [0x007] = "TPM_RC_LOCALITY", [0x008] = "TPM_RC_YIELDED",
        [0x009] = "TPM_RC_CANCELED", [0x00A] = "TPM_RC_TESTING", [0x020] = "TPM_RC_NV_RATE", [0x021] = "TPM_RC_LOCKOUT",
        [0x022] = "TPM_RC_RETRY", [0x023] = "TPM_RC_NV_UNAVAILABLE",
        [0x010] = "TPM_RC_REFERENCE_H0", [0x011] = "TPM_RC_REFERENCE_H1", [0x012] = "TPM_RC_REFERENCE_H2",
        [0x013] = "TPM_RC_REFERENCE_H3", [0x014] = "TPM_RC_REFERENCE_H4", [0x015] = "TPM_RC_REFERENCE_H5",
        [0x016] = "TPM_RC_REFERENCE_H6", [0x018] = "TPM_RC_REFERENCE_S0", [0x019] = "TPM_RC_REFERENCE_S1",
        [0x01A] = "TPM_RC_REFERENCE_S2", [0x01B] = "TPM_RC_REFERENCE_S3", [0x01C] = "TPM_RC_REFERENCE_S4",
        [0x01D] = "TPM_RC_REFERENCE_S5", [0x01E] = "TPM_RC_REFERENCE_S6",
    };

    /// <summary>Describes a response code, e.g. <c>TPM_RC_VALUE (0x000002c4) at parameter 2</c>.</summary>
    /// <param name="code">The response code.</param>
    /// <returns>The description.</returns>
    public static string Describe(uint code)
    {
        var hex = "0x" + code.ToString("x8", CultureInfo.InvariantCulture);
        if (code == Success)
        {
            return $"TPM_RC_SUCCESS ({hex})";
        }

        if ((code & 0x80) != 0)
        {
            var error = code & 0x3F;
            var name = Format1.TryGetValue(error, out var n) ? n : $"format-1 error 0x{error:x2}";
            var number = (code >> 8) & 0xF;
            string where;
            if ((code & 0x40) != 0)
            {
                where = $" at parameter {number}";
            }
            else if ((code & 0x800) != 0)
            {
                where = $" at session {number & 0x7}";
            }
            else
            {
                where = (number & 0x7) == 0 ? string.Empty : $" at handle {number & 0x7}";
            }

            return $"{name} ({hex}){where}";
        }

        if ((code & 0x100) == 0)
        {
            return $"TPM 1.2 response code ({hex})";
        }

        if ((code & 0x400) != 0)
        {
            return $"vendor-defined response code ({hex})";
        }

        var number0 = code & 0x7F;
        if ((code & 0x800) != 0)
        {
            return Warnings.TryGetValue(number0, out var w) ? $"{w} ({hex}, warning)" : $"warning 0x{number0:x2} ({hex})";
        }

        return Version1.TryGetValue(number0, out var v) ? $"{v} ({hex})" : $"format-0 error 0x{number0:x2} ({hex})";
    }
}
