using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Google.Protobuf;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// go-tpm-tools' <c>attest.Attestation</c> as Constellation uses it: AK public area, quotes, event log and AK
/// certificate. Reads and writes both the protobuf encoding and Go encoding/json's shape (snake_case keys,
/// Base64 bytes, enum numbers). Unverified data; immutable.
/// </summary>
public sealed class VtpmAttestation
{
    /// <summary>Creates an attestation.</summary>
    /// <param name="akPublic">The AK's TPMT_PUBLIC (no size prefix).</param>
    /// <param name="quotes">One quote per PCR bank.</param>
    /// <param name="eventLog">The TCG event log, or empty.</param>
    /// <param name="akCertificate">The DER AK certificate, or empty.</param>
    /// <param name="intermediateCertificates">DER intermediates, usually none.</param>
    public VtpmAttestation(
        ReadOnlySpan<byte> akPublic,
        IEnumerable<TpmQuote> quotes,
        ReadOnlySpan<byte> eventLog = default,
        ReadOnlySpan<byte> akCertificate = default,
        IEnumerable<ReadOnlyMemory<byte>>? intermediateCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(quotes);
        AkPublic = akPublic.ToArray();
        Quotes = quotes.ToImmutableArray();
        EventLog = eventLog.ToArray();
        AkCertificate = akCertificate.ToArray();
        IntermediateCertificates = (intermediateCertificates ?? []).Select(c => (ReadOnlyMemory<byte>)c.ToArray()).ToImmutableArray();
    }

    /// <summary>Takes ownership of freshly decoded bytes (no copies); the decoder hands out nothing else.</summary>
    internal VtpmAttestation(ReadOnlyMemory<byte> akPublic, List<TpmQuote> quotes, ReadOnlyMemory<byte> eventLog, ReadOnlyMemory<byte> akCertificate, List<ReadOnlyMemory<byte>> intermediateCertificates, bool owned)
    {
        _ = owned;
        AkPublic = akPublic;
        Quotes = [.. quotes];
        EventLog = eventLog;
        AkCertificate = akCertificate;
        if (intermediateCertificates.Count == 0)
        {
            IntermediateCertificates = [];
            return;
        }

        var intermediates = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>>(intermediateCertificates.Count);
        foreach (var certificate in intermediateCertificates)
        {
            intermediates.Add(certificate);
        }

        IntermediateCertificates = intermediates.MoveToImmutable();
    }

    /// <summary>Gets the AK public area (TPMT_PUBLIC).</summary>
    public ReadOnlyMemory<byte> AkPublic { get; }

    /// <summary>Gets the quotes, one per PCR bank.</summary>
    public ImmutableArray<TpmQuote> Quotes { get; }

    /// <summary>Gets the TCG event log, or empty.</summary>
    public ReadOnlyMemory<byte> EventLog { get; }

    /// <summary>Gets the DER AK certificate, or empty.</summary>
    public ReadOnlyMemory<byte> AkCertificate { get; }

    /// <summary>Gets the DER intermediate certificates.</summary>
    public ImmutableArray<ReadOnlyMemory<byte>> IntermediateCertificates { get; }

    /// <summary>Parses the protobuf encoding (e.g. go-tpm-tools test vectors).</summary>
    /// <param name="data">The protobuf bytes.</param>
    /// <returns>The attestation.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a valid message.</exception>
    public static VtpmAttestation ParseProtobuf(ReadOnlySpan<byte> data)
    {
        Protos.Attestation proto;
        try
        {
            proto = Protos.Attestation.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new AttestationFormatException("attest.Attestation: malformed protobuf message", ex);
        }

        return new VtpmAttestation(
            proto.AkPub.Span,
            proto.Quotes.Select(TpmQuoteProto.FromProto),
            proto.EventLog.Span,
            proto.AkCert.Span,
            proto.IntermediateCerts.Select(c => (ReadOnlyMemory<byte>)c.ToByteArray()));
    }

    /// <summary>Returns the protobuf encoding.</summary>
    /// <returns>The protobuf bytes.</returns>
    public byte[] ToProtobuf()
    {
        var proto = new Protos.Attestation
        {
            AkPub = ByteString.CopyFrom(AkPublic.Span),
            EventLog = ByteString.CopyFrom(EventLog.Span),
            AkCert = ByteString.CopyFrom(AkCertificate.Span),
        };
        proto.Quotes.AddRange(Quotes.Select(TpmQuoteProto.ToProto));
        proto.IntermediateCerts.AddRange(IntermediateCertificates.Select(c => ByteString.CopyFrom(c.Span)));
        return proto.ToByteArray();
    }
}
