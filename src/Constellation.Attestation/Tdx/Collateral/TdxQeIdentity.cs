using System;
using System.Collections.Generic;
using System.Linq;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// The TD quoting enclave identity (PCS <c>/tdx/certification/v4/qe/identity</c>, id <c>TD_QE</c>, version 2) with its
/// signature and exact signed bytes. Parsing does not check the signature. Immutable.
/// </summary>
public sealed class TdxQeIdentity
{
    private readonly SignedJsonMember _signed;
    private readonly byte[] _attributes;
    private readonly byte[] _attributesMask;
    private readonly byte[] _mrSigner;

    private TdxQeIdentity(SignedJsonMember signed, System.Text.Json.JsonElement e)
    {
        const string W = "QE identity";
        _signed = signed;
        Id = JsonFields.String(e, "id", W);
        Version = JsonFields.Int(e, "version", W);
        if (Id != "TD_QE" || Version != 2)
        {
            throw new AttestationFormatException($"{W}: expected id \"TD_QE\" version 2, got id \"{Id}\" version {Version}");
        }

        IssueDate = JsonFields.Time(e, "issueDate", W);
        NextUpdate = JsonFields.Time(e, "nextUpdate", W);
        TcbEvaluationDataNumber = JsonFields.Int(e, "tcbEvaluationDataNumber", W);
        MiscSelect = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(JsonFields.HexBytes(e, "miscselect", 4, W));
        MiscSelectMask = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(JsonFields.HexBytes(e, "miscselectMask", 4, W));
        _attributes = JsonFields.HexBytes(e, "attributes", 16, W);
        _attributesMask = JsonFields.HexBytes(e, "attributesMask", 16, W);
        _mrSigner = JsonFields.HexBytes(e, "mrsigner", 32, W);
        var prod = JsonFields.Int(e, "isvprodid", W);
        IsvProdId = prod <= ushort.MaxValue ? (ushort)prod : throw new AttestationFormatException($"{W}: isvprodid {prod} out of range");
        TcbLevels = JsonFields.Array(e, "tcbLevels", W).Select(l => TdxTcbInfo.ReadIsvLevel(l, W + " tcbLevels")).ToArray();
        if (TcbLevels.Count == 0)
        {
            throw new AttestationFormatException($"{W}: \"tcbLevels\" is empty");
        }
    }

    /// <summary>Gets the id (<c>TD_QE</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the version (2).</summary>
    public int Version { get; }

    /// <summary>Gets the issue date.</summary>
    public DateTimeOffset IssueDate { get; }

    /// <summary>Gets the time after which this identity must no longer be used.</summary>
    public DateTimeOffset NextUpdate { get; }

    /// <summary>Gets the TCB evaluation data number.</summary>
    public int TcbEvaluationDataNumber { get; }

    /// <summary>Gets the expected MISCSELECT (its 4 hex-encoded bytes read little-endian, like the report field).</summary>
    public uint MiscSelect { get; }

    /// <summary>Gets the MISCSELECT mask.</summary>
    public uint MiscSelectMask { get; }

    /// <summary>Gets the expected ATTRIBUTES after masking (16 bytes).</summary>
    public ReadOnlySpan<byte> Attributes => _attributes;

    /// <summary>Gets the ATTRIBUTES mask (16 bytes).</summary>
    public ReadOnlySpan<byte> AttributesMask => _attributesMask;

    /// <summary>Gets the expected MRSIGNER (32 bytes).</summary>
    public ReadOnlySpan<byte> MrSigner => _mrSigner;

    /// <summary>Gets the expected ISVPRODID.</summary>
    public ushort IsvProdId { get; }

    /// <summary>Gets the QE TCB levels, newest first.</summary>
    public IReadOnlyList<TdxModuleTcbLevel> TcbLevels { get; }

    /// <summary>Gets the exact bytes of the <c>enclaveIdentity</c> member value, which Intel signs.</summary>
    public ReadOnlySpan<byte> SignedBytes => _signed.SignedBytes;

    /// <summary>Gets the signature, r‖s (64 bytes).</summary>
    public ReadOnlySpan<byte> Signature => _signed.Signature;

    /// <summary>Parses a PCS QE identity response body.</summary>
    /// <param name="body">The response body, unchanged.</param>
    /// <returns>The QE identity.</returns>
    /// <exception cref="AttestationFormatException">Malformed JSON, wrong id/version or missing fields.</exception>
    public static TdxQeIdentity Parse(ReadOnlySpan<byte> body)
    {
        var signed = SignedJsonMember.Read(body, "enclaveIdentity", "QE identity");
        using var doc = TdxTcbInfo.ParseDocument(signed.SignedBytes, "QE identity");
        return new TdxQeIdentity(signed, doc.RootElement);
    }
}
