using System;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Tdx;

/// <summary>Writes a quote's fields; byte strings are lowercase hex, names match the CLI's documented interface.</summary>
internal static class TdxQuoteJson
{
    public static void Write(Utf8JsonWriter w, TdxQuote quote)
    {
        var h = quote.Header;
        var b = quote.Body;
        w.WriteStartObject();
        w.WriteNumber("version", quote.Version);
        w.WriteNumber("attestationKeyType", h.AttestationKeyType);
        w.WriteString("teeType", "0x" + h.TeeType.ToString("x8", CultureInfo.InvariantCulture));
        w.WriteNumber("qeSvn", h.QeSvn);
        w.WriteNumber("pceSvn", h.PceSvn);
        w.WriteString("qeVendorId", Hex(h.QeVendorId));
        w.WriteString("userData", Hex(h.UserData));
        if (quote.Version == 5)
        {
            w.WriteNumber("bodyType", quote.BodyType);
        }

        w.WriteString("teeTcbSvn", Hex(b.TeeTcbSvn));
        w.WriteString("mrSeam", Hex(b.MrSeam));
        w.WriteString("mrSignerSeam", Hex(b.MrSignerSeam));
        w.WriteString("seamAttributes", Hex(b.SeamAttributesBytes));
        w.WriteString("tdAttributes", Hex(b.TdAttributesBytes));
        w.WriteString("xfam", Hex(b.XfamBytes));
        w.WriteString("mrTd", Hex(b.MrTd));
        w.WriteString("mrConfigId", Hex(b.MrConfigId));
        w.WriteString("mrOwner", Hex(b.MrOwner));
        w.WriteString("mrOwnerConfig", Hex(b.MrOwnerConfig));
        for (var i = 0; i < 4; i++)
        {
            w.WriteString($"rtmr{i}", Hex(b.Rtmr(i)));
        }

        w.WriteString("reportData", Hex(b.ReportData));
        if (b.IsTdx15)
        {
            w.WriteString("teeTcbSvn2", Hex(b.TeeTcbSvn2));
            w.WriteString("mrServiceTd", Hex(b.MrServiceTd));
        }

        w.WriteString("attestationKey", Hex(quote.AttestationKey));
        w.WriteNumber("qeIsvSvn", quote.QeReport.IsvSvn);
        w.WriteNumber("qeIsvProdId", quote.QeReport.IsvProdId);
        w.WriteString("qeMrSigner", Hex(quote.QeReport.MrSigner));
        WritePck(w, quote);
        w.WriteNumber("trailingBytes", quote.TrailingByteCount);
        w.WriteEndObject();
    }

    private static void WritePck(Utf8JsonWriter w, TdxQuote quote)
    {
        try
        {
            var chain = TdxQuoteVerifier.ReadPckChain(quote);
            var pck = PckCertificateExtensions.Read(chain[0]);
            w.WriteString("fmspc", pck.FmspcHex);
            w.WriteString("pceId", pck.PceIdHex);
            w.WriteNumber("pckPceSvn", pck.PceSvn);
            w.WriteString("pckSgxTcbComponents", Hex(pck.SgxTcbComponents));
            w.WriteString("pckIssuer", chain[0].GetNameInfo(X509NameType.SimpleName, forIssuer: true));
            w.WriteString("pckNotBefore", chain[0].NotBefore.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("pckNotAfter", chain[0].NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        catch (AttestationException ex)
        {
            // Inspect shows what it can; the PCK problem is named instead of hiding the quote fields.
            w.WriteString("pckError", ex.Message);
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
