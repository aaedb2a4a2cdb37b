using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Constellation.Attestation.Json;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// TDX TCB info (PCS <c>/tdx/certification/v4/tcb</c>, id <c>TDX</c>, version 3) with its signature and the exact signed
/// bytes. Parsing does not check the signature; <see cref="TdxCollateralVerifier"/> does. Immutable.
/// </summary>
public sealed class TdxTcbInfo
{
    private readonly SignedJsonMember _signed;
    private readonly byte[] _mrSigner;
    private readonly byte[] _attributes;
    private readonly byte[] _attributesMask;

    private TdxTcbInfo(SignedJsonMember signed, JsonElement info)
    {
        const string W = "TCB info";
        _signed = signed;
        Id = JsonFields.String(info, "id", W);
        Version = JsonFields.Int(info, "version", W);
        if (Id != "TDX" || Version != 3)
        {
            throw new AttestationFormatException($"{W}: expected id \"TDX\" version 3, got id \"{Id}\" version {Version}");
        }

        IssueDate = JsonFields.Time(info, "issueDate", W);
        NextUpdate = JsonFields.Time(info, "nextUpdate", W);
        Fmspc = JsonFields.String(info, "fmspc", W);
        PceId = JsonFields.String(info, "pceId", W);
        TcbEvaluationDataNumber = JsonFields.Int(info, "tcbEvaluationDataNumber", W);
        var module = JsonFields.Get(info, "tdxModule", W);
        _mrSigner = JsonFields.HexBytes(module, "mrsigner", 48, W + " tdxModule");
        _attributes = JsonFields.HexBytes(module, "attributes", 8, W + " tdxModule");
        _attributesMask = JsonFields.HexBytes(module, "attributesMask", 8, W + " tdxModule");
        ModuleIdentities = info.TryGetProperty("tdxModuleIdentities", out _)
            ? JsonFields.Array(info, "tdxModuleIdentities", W).Select(ReadModuleIdentity).ToArray()
            : Array.Empty<TdxModuleIdentity>();
        TcbLevels = JsonFields.Array(info, "tcbLevels", W).Select(ReadLevel).ToArray();
        if (TcbLevels.Count == 0)
        {
            throw new AttestationFormatException($"{W}: \"tcbLevels\" is empty");
        }
    }

    /// <summary>Gets the id (<c>TDX</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the version (3).</summary>
    public int Version { get; }

    /// <summary>Gets the issue date.</summary>
    public DateTimeOffset IssueDate { get; }

    /// <summary>Gets the time after which this TCB info must no longer be used.</summary>
    public DateTimeOffset NextUpdate { get; }

    /// <summary>Gets the FMSPC as written by PCS (hex).</summary>
    public string Fmspc { get; }

    /// <summary>Gets the PCE-ID as written by PCS (hex).</summary>
    public string PceId { get; }

    /// <summary>Gets the TCB evaluation data number.</summary>
    public int TcbEvaluationDataNumber { get; }

    /// <summary>Gets the expected MRSIGNERSEAM (48 bytes).</summary>
    public ReadOnlySpan<byte> ModuleMrSigner => _mrSigner;

    /// <summary>Gets the expected SEAMATTRIBUTES after masking (8 bytes, as written).</summary>
    public ReadOnlySpan<byte> ModuleAttributes => _attributes;

    /// <summary>Gets the SEAMATTRIBUTES mask (8 bytes, as written).</summary>
    public ReadOnlySpan<byte> ModuleAttributesMask => _attributesMask;

    /// <summary>Gets the TDX module identities (may be empty).</summary>
    public IReadOnlyList<TdxModuleIdentity> ModuleIdentities { get; }

    /// <summary>Gets the platform TCB levels in the order PCS lists them (newest first).</summary>
    public IReadOnlyList<TdxTcbLevel> TcbLevels { get; }

    /// <summary>Gets the exact bytes of the <c>tcbInfo</c> member value, which Intel signs.</summary>
    public ReadOnlySpan<byte> SignedBytes => _signed.SignedBytes;

    /// <summary>Gets the signature, r‖s (64 bytes).</summary>
    public ReadOnlySpan<byte> Signature => _signed.Signature;

    /// <summary>Parses a PCS TCB info response body.</summary>
    /// <param name="body">The response body, unchanged.</param>
    /// <returns>The TCB info.</returns>
    /// <exception cref="AttestationFormatException">Malformed JSON, wrong id/version or missing fields.</exception>
    public static TdxTcbInfo Parse(ReadOnlySpan<byte> body)
    {
        var signed = SignedJsonMember.Read(body, "tcbInfo", "TCB info");
        using var doc = ParseDocument(signed.SignedBytes, "TCB info");
        return new TdxTcbInfo(signed, doc.RootElement);
    }

    internal static JsonDocument ParseDocument(byte[] bytes, string what)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"{what}: invalid JSON ({ex.Message})", ex);
        }
    }

    private static TdxModuleIdentity ReadModuleIdentity(JsonElement e)
    {
        const string W = "TCB info tdxModuleIdentities";
        return new TdxModuleIdentity(
            JsonFields.String(e, "id", W),
            JsonFields.HexBytes(e, "mrsigner", 48, W),
            JsonFields.HexBytes(e, "attributes", 8, W),
            JsonFields.HexBytes(e, "attributesMask", 8, W),
            JsonFields.Array(e, "tcbLevels", W).Select(l => ReadIsvLevel(l, W)).ToArray());
    }

    internal static TdxModuleTcbLevel ReadIsvLevel(JsonElement level, string what)
    {
        var tcb = JsonFields.Get(level, "tcb", what);
        var isvsvn = JsonFields.Int(tcb, "isvsvn", what);
        if (isvsvn > ushort.MaxValue)
        {
            throw new AttestationFormatException($"{what}: isvsvn {isvsvn} out of range");
        }

        return new TdxModuleTcbLevel((ushort)isvsvn, JsonFields.Time(level, "tcbDate", what), JsonFields.String(level, "tcbStatus", what),
            JsonFields.OptionalStrings(level, "advisoryIDs", what));
    }

    private static TdxTcbLevel ReadLevel(JsonElement level)
    {
        const string W = "TCB info tcbLevels";
        var tcb = JsonFields.Get(level, "tcb", W);
        var pceSvn = JsonFields.Int(tcb, "pcesvn", W);
        if (pceSvn > ushort.MaxValue)
        {
            throw new AttestationFormatException($"{W}: pcesvn {pceSvn} out of range");
        }

        return new TdxTcbLevel(
            Components(tcb, "sgxtcbcomponents"),
            (ushort)pceSvn,
            Components(tcb, "tdxtcbcomponents"),
            JsonFields.Time(level, "tcbDate", W),
            JsonFields.String(level, "tcbStatus", W),
            JsonFields.OptionalStrings(level, "advisoryIDs", W));

        static byte[] Components(JsonElement tcb, string name)
        {
            var values = JsonFields.Array(tcb, name, W).Select(c => JsonFields.Int(c, "svn", W + " " + name)).ToArray();
            if (values.Length != 16 || values.Any(v => v > 255))
            {
                throw new AttestationFormatException($"{W}: \"{name}\" must hold 16 SVNs of 0..255, got {values.Length}");
            }

            return values.Select(v => (byte)v).ToArray();
        }
    }
}
