using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>Converts between <see cref="TpmQuote"/> and go-tpm-tools' protobuf <c>tpm.Quote</c> (<c>tpm.proto</c>).</summary>
internal static class TpmQuoteProto
{
    public static TpmQuote FromProto(Protos.Quote proto) => new(
        proto.Quote_.Span,
        proto.RawSig.Span,
        proto.Pcrs is null ? TpmAlgorithm.Error : (TpmAlgorithm)(ushort)proto.Pcrs.Hash,
        proto.Pcrs is null ? [] : proto.Pcrs.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(checked((int)kv.Key), kv.Value.ToByteArray())));

    public static Protos.Quote ToProto(TpmQuote quote)
    {
        var proto = new Protos.Quote
        {
            Quote_ = ByteString.CopyFrom(quote.Quote.Span),
            RawSig = ByteString.CopyFrom(quote.RawSignature.Span),
            Pcrs = new Protos.PCRs { Hash = (Protos.HashAlgo)(int)quote.Bank },
        };
        foreach (var (index, value) in quote.Pcrs)
        {
            proto.Pcrs.Pcrs.Add((uint)index, ByteString.CopyFrom(value.AsSpan()));
        }

        return proto;
    }
}
