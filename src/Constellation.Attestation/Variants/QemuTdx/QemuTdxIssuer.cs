using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Tdx.Issuers;

namespace Constellation.Attestation.Variants.QemuTdx;

/// <summary>Issues qemu-tdx documents: a TD quote with REPORTDATA = SHA-256(userData ‖ nonce) ‖ 32 zero bytes. Thread-safe.</summary>
public sealed class QemuTdxIssuer : IAttestationIssuer
{
    private readonly ITdxQuoteProvider _quotes;

    /// <summary>Creates an issuer.</summary>
    /// <param name="quotes">Where quotes come from (default configfs-tsm).</param>
    public QemuTdxIssuer(ITdxQuoteProvider? quotes = null) => _quotes = quotes ?? new ConfigFsTsmQuoteProvider();

    /// <inheritdoc />
    public AttestationVariant Variant => AttestationVariant.QemuTdx;

    /// <inheritdoc />
    public async ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        var quote = await _quotes.GetQuoteAsync(ExtraData.ReportData(userData.Span, nonce.Span), cancellationToken).ConfigureAwait(false);
        return new QemuTdxDocument(quote, userData).ToJson();
    }
}
