using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Variants.Tdx;

/// <summary>
/// Validates qemu-tdx documents: full quote verification (PCK chain, CRLs, TCB info, QE identity), REPORTDATA binding to
/// SHA-256(userData ‖ nonce), and measurements index 0 = MRTD, 1..4 = RTMR0..3. Thread-safe.
/// </summary>
public sealed class QemuTdxValidator : IAttestationValidator
{
    private readonly MeasurementSet measurements;
    private readonly ITdxCollateralSource collateral;
    private readonly TdxQuotePolicy policy;
    private readonly TdxQuoteVerifier verifier;
    private readonly TimeProvider time;

    /// <summary>Creates a validator.</summary>
    /// <param name="measurements">Expected MRTD/RTMR values (indices 0..4, 48 bytes).</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from (e.g. <see cref="IntelPcsClient"/>).</param>
    /// <param name="policy">Policy beyond measurements (default: UpToDate only, CRLs required, debug forbidden); REPORTDATA is set per call.</param>
    /// <param name="options">Trust anchors (default Intel SGX Root CA).</param>
    /// <param name="timeProvider">The clock (default system).</param>
    public QemuTdxValidator(MeasurementSet measurements, ITdxCollateralSource collateral, TdxQuotePolicy? policy = null,
        TdxVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(collateral);
        foreach (var key in measurements.Keys)
        {
            if (key > 4)
            {
                throw new ArgumentException($"qemu-tdx measurement index {key} is out of range (0 = MRTD, 1..4 = RTMR0..3)", nameof(measurements));
            }
        }

        this.measurements = measurements;
        this.collateral = collateral;
        this.policy = policy ?? TdxQuotePolicy.Default;
        verifier = new TdxQuoteVerifier(options ?? new TdxVerifierOptions());
        time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public AttestationVariant Variant => AttestationVariant.QemuTdx;

    /// <inheritdoc />
    public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        var doc = QemuTdxDocument.Parse(document.Span);
        var quote = TdxQuote.Parse(doc.RawQuote.Span);
        var expected = TdxExtraData.ReportData(doc.UserData.Span, nonce.Span);
        if (!quote.Body.ReportData.SequenceEqual(expected))
        {
            throw new AttestationBindingException("REPORT_DATA", Convert.ToHexStringLower(expected), Convert.ToHexStringLower(quote.Body.ReportData));
        }

        var result = await verifier.VerifyAsync(quote, collateral, policy, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        var actual = new Dictionary<uint, byte[]> { [0] = quote.Body.MrTd.ToArray() };
        for (var i = 0; i < 4; i++)
        {
            actual[(uint)(i + 1)] = quote.Body.Rtmr(i).ToArray();
        }

        var comparison = measurements.Compare(actual);
        comparison.ThrowIfFailed();
        var warnings = new List<string>(result.Warnings);
        foreach (var w in comparison.Warnings)
        {
            warnings.Add(w.ToString()!);
        }

        return new AttestationValidationResult(Variant, doc.UserData.Span, warnings, actual);
    }
}
