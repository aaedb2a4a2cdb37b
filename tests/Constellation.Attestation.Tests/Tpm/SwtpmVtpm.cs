using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>Helpers to issue and manipulate vTPM documents on a real swtpm.</summary>
internal static class SwtpmVtpm
{
    public static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };

    public static Func<CancellationToken, ValueTask<ITpmTransport>> Open(SwtpmProcess swtpm) =>
        async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct);

    public static VtpmIssuer QemuIssuer(SwtpmProcess swtpm) => QemuVtpmVariant.CreateIssuer(Open(swtpm), NoEventLog);

    public static async Task<TpmClient> ClientAsync(SwtpmProcess swtpm) =>
        new(await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port));

    public static async Task ExtendAsync(SwtpmProcess swtpm, int pcr, string text)
    {
        await using var tpm = await ClientAsync(swtpm);
        await tpm.PcrExtendAsync(pcr, TpmAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>All SHA-256 PCRs of a document as enforced measurements.</summary>
    public static MeasurementSet MeasurementsOf(byte[] document, bool warnOnly = false) =>
        new(VtpmDocument.Parse(document).Attestation.Quotes.First(q => q.Bank == TpmAlgorithm.Sha256).Pcrs
            .Select(kv => new KeyValuePair<uint, Measurement>((uint)kv.Key, new Measurement(kv.Value.AsSpan(), warnOnly))));

    /// <summary>The first quote of a bank in a document.</summary>
    public static TpmQuote QuoteOf(byte[] document, TpmAlgorithm bank) =>
        VtpmDocument.Parse(document).Attestation.Quotes.First(q => q.Bank == bank);

    public static byte[] WithQuotes(byte[] document, Func<IReadOnlyList<TpmQuote>, IEnumerable<TpmQuote>> change)
    {
        var doc = VtpmDocument.Parse(document);
        var a = doc.Attestation;
        var attestation = new VtpmAttestation(a.AkPublic.Span, change(a.Quotes), a.EventLog.Span, a.AkCertificate.Span);
        return new VtpmDocument(attestation, doc.InstanceInfo.Span, doc.UserData.Span).ToJson();
    }

    public static byte[] WithQuote(byte[] document, TpmAlgorithm bank, Func<TpmQuote, TpmQuote> change) =>
        WithQuotes(document, quotes => quotes.Select(q => q.Bank == bank ? change(q) : q));

    public static byte[] WithAkPublic(byte[] document, byte[] akPublic)
    {
        var doc = VtpmDocument.Parse(document);
        var a = doc.Attestation;
        return new VtpmDocument(new VtpmAttestation(akPublic, a.Quotes, a.EventLog.Span, a.AkCertificate.Span), doc.InstanceInfo.Span, doc.UserData.Span).ToJson();
    }
}

/// <summary>Trusts exactly one AK, like a cloud variant does.</summary>
internal sealed class FixedKeyHooks(byte[] trustedSpki) : IVtpmVariantHooks
{
    public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>>(trustedSpki);

    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Issues with the go-tpm-tools ECC AK template (P-256, ECDSA-SHA256).</summary>
internal sealed class EccIssuerHooks : IVtpmIssuerHooks
{
    public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        new(await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.EccAttestationKeyTemplate(), cancellationToken), ReadOnlyMemory<byte>.Empty, true);

    public ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>>(System.Text.Encoding.UTF8.GetBytes("{\"test\":true}"));
}
