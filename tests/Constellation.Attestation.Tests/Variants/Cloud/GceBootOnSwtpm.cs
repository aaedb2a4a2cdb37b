using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// A swtpm that booted "like a GCE VM": the digests of a measured event log are extended into every PCR bank the TPM
/// allocates and the log records. The guest then presents any log it likes in a gcp-sev-es document, which the real
/// gcp-sev-es validator checks end to end (AK from a stub of the Compute API that vouches for this TPM's AK, every
/// quote, the event log, the CVM check, all SHA-256 PCRs as enforced measurements).
/// </summary>
internal sealed class GceBootOnSwtpm : IAsyncDisposable
{
    private static readonly GceInstanceInfo Instance = new("europe-west3-b", "constellation-test", "worker-0");
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("gce event log nonce");

    private readonly SwtpmProcess _swtpm;

    private GceBootOnSwtpm(SwtpmProcess swtpm) => _swtpm = swtpm;

    /// <summary>Starts a swtpm and extends the log's digests into it, as the firmware of this boot did.</summary>
    public static async Task<GceBootOnSwtpm> BootAsync(byte[] measuredLog)
    {
        var swtpm = await SwtpmProcess.StartAsync();
        try
        {
            await MeasureAsync(swtpm, measuredLog);
            return new GceBootOnSwtpm(swtpm);
        }
        catch
        {
            await swtpm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Extends the digests of <paramref name="measuredLog"/> into every PCR bank <paramref name="swtpm"/> allocates, as firmware does.</summary>
    public static async Task MeasureAsync(SwtpmProcess swtpm, byte[] measuredLog)
    {
        await using var tpm = await SwtpmVtpm.ClientAsync(swtpm);
        var allocated = (await tpm.GetPcrBanksAsync()).Where(b => b.Indices.Length > 0).Select(b => b.Hash).ToHashSet();
        foreach (var e in TcgEventLog.Parse(measuredLog).Events.Where(e => e.EventType != TcgEvent.NoAction))
        {
            foreach (var (bank, digest) in e.Digests.Where(d => allocated.Contains(d.Key)))
            {
                await tpm.PcrExtendAsync((int)e.PcrIndex, bank, digest.AsMemory());
            }
        }
    }

    /// <summary>Issues a gcp-sev-es document carrying <paramref name="presentedLog"/> and validates it.</summary>
    public async Task<AttestationValidationResult> ValidateAsync(byte[] presentedLog)
    {
        var options = new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(presentedLog) };
        using var issuer = new VtpmIssuer(AttestationVariant.GcpSevEs, SwtpmVtpm.Open(_swtpm), new GceLikeIssuerHooks(Instance), options);
        var document = await issuer.IssueAsync(new byte[] { 7 }, Nonce);
        var ak = TpmPublic.Parse(VtpmDocument.Parse(document).Attestation.AkPublic.Span).ToSubjectPublicKeyInfo();
        var validator = GcpSevEsVariant.CreateValidator(new VouchingComputeApi(ak), SwtpmVtpm.MeasurementsOf(document));
        return await validator.ValidateAsync(document, Nonce);
    }

    public ValueTask DisposeAsync() => _swtpm.DisposeAsync();

    /// <summary>The Compute API's answer for this instance: the swtpm's AK.</summary>
    private sealed class VouchingComputeApi(byte[] signingKey) : IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>>(signingKey);
    }
}
