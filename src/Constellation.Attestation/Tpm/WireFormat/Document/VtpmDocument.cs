using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// Constellation's vTPM attestation document (shared/spec/vtpm.md §1): Go encoding/json of
/// <c>{Attestation, InstanceInfo, UserData}</c>. These bytes travel in the aTLS extension. Unverified data; immutable.
/// </summary>
public sealed class VtpmDocument
{
    /// <summary>Creates a document.</summary>
    /// <param name="attestation">The embedded attestation.</param>
    /// <param name="instanceInfo">Variant-specific instance info (JSON bytes), or empty (written as <c>null</c>).</param>
    /// <param name="userData">The user data the document binds.</param>
    public VtpmDocument(VtpmAttestation attestation, ReadOnlySpan<byte> instanceInfo, ReadOnlySpan<byte> userData)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        Attestation = attestation;
        InstanceInfo = instanceInfo.ToArray();
        UserData = userData.ToArray();
    }

    /// <summary>Takes ownership of freshly decoded arrays (no copies).</summary>
    internal VtpmDocument(VtpmAttestation attestation, ReadOnlyMemory<byte> instanceInfo, ReadOnlyMemory<byte> userData, bool owned)
    {
        _ = owned;
        Attestation = attestation;
        InstanceInfo = instanceInfo;
        UserData = userData;
    }

    /// <summary>Gets the embedded attestation.</summary>
    public VtpmAttestation Attestation { get; }

    /// <summary>Gets the variant-specific instance info bytes (empty for qemu-vtpm).</summary>
    public ReadOnlyMemory<byte> InstanceInfo { get; }

    /// <summary>Gets the user data.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>Parses a document. Keys match case-insensitively and unknown keys are ignored, as in Go.</summary>
    /// <param name="json">The document bytes.</param>
    /// <returns>The document.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a vTPM document (message starts with <c>unmarshaling TPM attestation document</c>).</exception>
    public static VtpmDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "document");
            return VtpmJsonReader.ReadDocument(json);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"unmarshaling TPM attestation document: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"unmarshaling TPM attestation document: {ex.Message}", ex);
        }
    }

    /// <summary>Serializes the document as Go encoding/json would.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson() => VtpmJsonWriter.Write(this);
}
