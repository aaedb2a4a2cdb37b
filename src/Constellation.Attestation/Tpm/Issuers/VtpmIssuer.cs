using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tpm.Issuers;

/// <summary>
/// Issues Constellation vTPM documents (shared/spec/vtpm.md §4): quotes every allocated PCR bank with
/// <c>qualifyingData = SHA-256(instanceInfo ‖ SHA-256(userData ‖ nonce))</c> and embeds AK, quotes, PCR values
/// and the event log. Safe to use concurrently: each call opens its own TPM connection and issues are serialized.
/// </summary>
public sealed class VtpmIssuer : IAttestationIssuer, IDisposable
{
    private readonly Func<CancellationToken, ValueTask<ITpmTransport>> _openTpm;
    private readonly IVtpmIssuerHooks _hooks;
    private readonly VtpmIssuerOptions _options;
    private readonly SemaphoreSlim _serial = new(1, 1);

    /// <summary>Creates an issuer.</summary>
    /// <param name="variant">The vTPM-family variant issued.</param>
    /// <param name="openTpm">Opens a transport to the TPM (one per issue).</param>
    /// <param name="hooks">The variant's AK and instance info.</param>
    /// <param name="options">Options, or <see langword="null"/> for defaults.</param>
    public VtpmIssuer(AttestationVariant variant, Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, IVtpmIssuerHooks hooks, VtpmIssuerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(openTpm);
        ArgumentNullException.ThrowIfNull(hooks);
        Variant = variant;
        _openTpm = openTpm;
        _hooks = hooks;
        _options = options ?? new VtpmIssuerOptions();
    }

    /// <inheritdoc />
    public AttestationVariant Variant { get; }

    /// <inheritdoc />
    public async ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transport = await _openTpm(cancellationToken).ConfigureAwait(false);
            await using var tpm = new TpmClient(transport);
            var key = await _hooks.LoadAttestationKeyAsync(tpm, cancellationToken).ConfigureAwait(false);
            try
            {
                var extraData = ExtraData.Compute(userData.Span, nonce.Span);
                var instanceInfo = await _hooks.GetInstanceInfoAsync(tpm, extraData, cancellationToken).ConfigureAwait(false);
                var tpmNonce = ExtraData.TpmNonce(instanceInfo.Span, extraData);

                var quotes = new List<TpmQuote>();
                foreach (var bank in await tpm.GetPcrBanksAsync(cancellationToken).ConfigureAwait(false))
                {
                    quotes.Add(await QuoteBankAsync(tpm, key.Key, bank, tpmNonce, cancellationToken).ConfigureAwait(false));
                }

                var eventLog = await ReadEventLogAsync(cancellationToken).ConfigureAwait(false);
                var attestation = new VtpmAttestation(key.Key.Public.RawBytes.Span, quotes, eventLog.Span, key.Certificate.Span);
                return new VtpmDocument(attestation, instanceInfo.Span, userData.Span).ToJson();
            }
            finally
            {
                if (key.FlushAfterUse)
                {
                    await tpm.FlushContextAsync(key.Key.Handle, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _serial.Dispose();

    private async ValueTask<TpmQuote> QuoteBankAsync(TpmClient tpm, TpmCreatedKey key, TpmPcrSelection bank, byte[] tpmNonce, CancellationToken cancellationToken)
    {
        // Only PCRs 0–23 are quoted, as go-tpm-tools does; a PCR may change between quote and read, so retry.
        var selection = new TpmPcrSelection(bank.Hash, bank.Indices.RemoveAll(i => i >= TpmPcrSelection.PcClientPcrCount));
        for (var attempt = 1; ; attempt++)
        {
            var (attest, signature) = await tpm.QuoteAsync(key.Handle, tpmNonce, [selection], cancellationToken).ConfigureAwait(false);
            var pcrs = await tpm.PcrReadAsync(selection, cancellationToken).ConfigureAwait(false);
            var parsedSignature = TpmSignature.Parse(signature);
            var digest = TpmQuoteVerifier.ComputePcrDigest(parsedSignature.Hash, pcrs);
            if (TpmAttest.Parse(attest).PcrDigest.Span.SequenceEqual(digest))
            {
                return new TpmQuote(attest, signature, bank.Hash, pcrs);
            }

            if (attempt >= _options.MaxQuoteAttempts)
            {
                throw new AttestationException(
                    $"quoting the {TpmHash.ToDisplayName(bank.Hash)} bank: PCR values changed between TPM2_Quote and TPM2_PCR_Read in {attempt} attempts");
            }
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadEventLogAsync(CancellationToken cancellationToken)
    {
        if (_options.EventLogReader is { } reader)
        {
            return await reader(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await File.ReadAllBytesAsync(_options.EventLogPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AttestationException($"reading the event log {_options.EventLogPath}: {ex.Message}", ex);
        }
    }
}
