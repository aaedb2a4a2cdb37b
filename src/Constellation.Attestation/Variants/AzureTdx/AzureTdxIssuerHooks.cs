using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Azure;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// The azure-tdx issuer side (spec tdx.md §3.3): the HCL attestation key at persistent handle <c>0x81000003</c>; instance
/// info from the HCL report in NV index <c>0x01400001</c> (must carry a TDX TDREPORT), whose TDREPORT is exchanged for a
/// TD quote at IMDS. Thread-safe; dispose to release the HTTP client it created.
/// </summary>
public sealed class AzureTdxIssuerHooks : IVtpmIssuerHooks, IDisposable
{
    private readonly AzureImdsTdQuoteClient _imds;

    /// <summary>Creates the hooks.</summary>
    /// <param name="options">IMDS address and HTTP client (defaults: <c>http://169.254.169.254/</c>, no proxy).</param>
    public AzureTdxIssuerHooks(AzureTdxIssuerOptions? options = null) => _imds = new AzureImdsTdQuoteClient(options ?? new AzureTdxIssuerOptions());

    /// <inheritdoc />
    public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        return new VtpmIssuerKey(await tpm.ReadPublicAsync(TpmHandles.AzureAttestationKey, cancellationToken).ConfigureAwait(false), ReadOnlyMemory<byte>.Empty, false);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var hcl = AzureHclReport.Parse(await tpm.NvReadAsync(AzureHclReport.NvIndex, TpmHandles.Owner, cancellationToken).ConfigureAwait(false));
        var tdReport = hcl.GetTdReport();
        var quoteBytes = await _imds.GetQuoteAsync(tdReport, cancellationToken).ConfigureAwait(false);

        // Refuse to send a quote that does not vouch for this HCL report's runtime data: it would only fail at the validator.
        var quote = TdxQuote.Parse(quoteBytes);
        HclAttestationKeyBinding.VerifyRuntimeDataHash(hcl.RuntimeData, quote.Body.ReportData, "IMDS quote REPORTDATA[0:32]");
        return new AzureTdxInstanceInfo(quoteBytes, hcl.RuntimeData.ToArray()).ToJson();
    }

    /// <inheritdoc />
    public void Dispose() => _imds.Dispose();
}
