using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>The quote-field checks of <see cref="TdxValidationOptions"/>; every violation is collected, none short-circuits.</summary>
internal static class TdxQuoteFieldChecks
{
    // go-tdx-guest: TDATTRIBUTES may only have DEBUG, SEPT_VE_DISABLE, PKS and PERFMON set; XFAM needs bits 0,1 and nothing outside 0x6DBE7.
    private const ulong TdAttributesAllowed = 0x1UL | (1UL << 28) | (1UL << 30) | (1UL << 63);
    private const ulong XfamFixed1 = 0x3;
    private const ulong XfamFixed0 = 0x0006DBE7;

    public static void CheckQuote(TdxQuote quote, TdxValidationOptions policy, List<PolicyViolation> v)
    {
        var h = quote.Header;
        var b = quote.Body;
        if (policy.MinimumQeSvn is { } qe && h.QeSvn < qe)
        {
            v.Add(new("qeSvn", $">= {qe}", h.QeSvn.ToString(CultureInfo.InvariantCulture)));
        }

        if (policy.MinimumPceSvn is { } pce && h.PceSvn < pce)
        {
            v.Add(new("pceSvn", $">= {pce}", h.PceSvn.ToString(CultureInfo.InvariantCulture)));
        }

        Exact("qeVendorId", policy.QeVendorId, h.QeVendorId, 16, v);
        if (policy.MinimumTeeTcbSvn is { } min)
        {
            Length("minimumTeeTcbSvn", min, 16);
            if (IndexBelow(b.TeeTcbSvn, min.Span) >= 0)
            {
                // Only a violation pays for the message.
                var actual = b.TeeTcbSvn.ToArray();
                var below = Enumerable.Range(0, 16).Where(i => actual[i] < min.Span[i]);
                v.Add(new("teeTcbSvn", $"each byte >= {Convert.ToHexStringLower(min.Span)}", $"{Convert.ToHexStringLower(actual)} (below at byte {string.Join(",", below)})"));
            }
        }

        Exact("mrSeam", policy.MrSeam, b.MrSeam, 48, v);
        Exact("tdAttributes", policy.TdAttributes, b.TdAttributesBytes, 8, v);
        Exact("xfam", policy.Xfam, b.XfamBytes, 8, v);
        if (policy.MrTd.Count > 0)
        {
            foreach (var m in policy.MrTd)
            {
                Length("mrTd", m, 48);
            }

            var matched = false;
            foreach (var m in policy.MrTd)
            {
                matched |= m.Span.SequenceEqual(b.MrTd);
            }

            if (!matched)
            {
                v.Add(new("mrTd", "one of " + string.Join(", ", policy.MrTd.Select(m => Convert.ToHexStringLower(m.Span))), Convert.ToHexStringLower(b.MrTd)));
            }
        }

        Exact("mrConfigId", policy.MrConfigId, b.MrConfigId, 48, v);
        Exact("mrOwner", policy.MrOwner, b.MrOwner, 48, v);
        Exact("mrOwnerConfig", policy.MrOwnerConfig, b.MrOwnerConfig, 48, v);
        if (policy.Rtmrs.Count is not (0 or 4))
        {
            throw new ArgumentException($"TDX policy: rtmrs must hold 0 or 4 entries, got {policy.Rtmrs.Count}");
        }

        for (var i = 0; i < policy.Rtmrs.Count; i++)
        {
            Exact($"rtmr{i}", policy.Rtmrs[i], b.Rtmr(i), 48, v);
        }

        Exact("reportData", policy.ReportData, b.ReportData, 64, v);
        if (policy.ForbidDebug && (b.TdAttributes & 1) != 0)
        {
            v.Add(new("tdAttributes.debug", "0 (debug TDs are not trusted)", "1"));
        }

        if ((b.TdAttributes & ~TdAttributesAllowed) != 0)
        {
            v.Add(new("tdAttributes", $"only bits of 0x{TdAttributesAllowed:x16} set", $"0x{b.TdAttributes:x16}"));
        }

        if ((b.Xfam & XfamFixed1) != XfamFixed1 || (b.Xfam & ~XfamFixed0) != 0)
        {
            v.Add(new("xfam", $"bits 0x{XfamFixed1:x} set and none outside 0x{XfamFixed0:x}", $"0x{b.Xfam:x16}"));
        }
    }

    private static void Exact(string field, ReadOnlyMemory<byte>? expected, ReadOnlySpan<byte> actual, int length, List<PolicyViolation> v)
    {
        if (expected is not { } e)
        {
            return;
        }

        Length(field, e, length);
        if (!e.Span.SequenceEqual(actual))
        {
            v.Add(new(field, Convert.ToHexStringLower(e.Span), Convert.ToHexStringLower(actual)));
        }
    }

    private static void Length(string field, ReadOnlyMemory<byte> value, int length)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"TDX policy: {field} must be {length} bytes, got {value.Length}");
        }
    }

    private static int IndexBelow(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> minimum)
    {
        for (var i = 0; i < minimum.Length; i++)
        {
            if (actual[i] < minimum[i])
            {
                return i;
            }
        }

        return -1;
    }
}
