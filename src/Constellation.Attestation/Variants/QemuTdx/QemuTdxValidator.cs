using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Variants.QemuTdx;

/// <summary>
/// Validates qemu-tdx documents: full quote verification (PCK chain, CRLs, TCB info, QE identity), REPORTDATA binding to
/// SHA-256(userData ‖ nonce), and measurements index 0 = MRTD, 1..4 = RTMR0..3. Thread-safe.
/// </summary>
public sealed class QemuTdxValidator : IAttestationValidator
{
    private readonly MeasurementSet _measurements;
    private readonly TdxValidationOptions _policy;
    private readonly TdxQuoteVerifier _verifier;

    /// <summary>Creates a validator.</summary>
    /// <param name="measurements">Expected MRTD/RTMR values (indices 0..4, 48 bytes); at least one, or <see cref="MeasurementSet.EmptyAllowed"/> to compare none on purpose.</param>
    /// <param name="verification">Trust anchors, required collateral, the clock, and the collateral source (e.g. an
    /// <see cref="IntelPcsClient"/>); the source is required unless neither TCB evaluation nor CRLs are.</param>
    /// <param name="policy">Policy beyond measurements (default: UpToDate only, debug forbidden); REPORTDATA is set per call.</param>
    public QemuTdxValidator(MeasurementSet measurements, TdxVerificationOptions verification, TdxValidationOptions? policy = null)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(verification);
        MeasurementRequirement.ThrowIfEmpty(AttestationVariant.QemuTdx, measurements);
        foreach (var key in measurements.Keys)
        {
            if (key > 4)
            {
                throw new ArgumentException($"qemu-tdx measurement index {key} is out of range (0 = MRTD, 1..4 = RTMR0..3)", nameof(measurements));
            }
        }

        if (verification.CollateralSource is null && verification.RequiresCollateral)
        {
            throw new ArgumentException("qemu-tdx verification requires collateral but no collateral source is set", nameof(verification));
        }

        _measurements = measurements;
        _policy = policy ?? TdxValidationOptions.Default;
        _verifier = new TdxQuoteVerifier(verification);
    }

    /// <inheritdoc />
    public AttestationVariant Variant => AttestationVariant.QemuTdx;

    /// <inheritdoc />
    public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        var doc = QemuTdxDocument.Parse(document.Span);
        var quote = TdxQuote.Parse(doc.RawQuote.Span);
        var expected = ExtraData.ReportData(doc.UserData.Span, nonce.Span);
        if (!quote.Body.ReportData.SequenceEqual(expected))
        {
            throw new AttestationBindingException("REPORT_DATA", Convert.ToHexStringLower(expected), Convert.ToHexStringLower(quote.Body.ReportData));
        }

        var verification = await _verifier.VerifyAsync(quote, cancellationToken).ConfigureAwait(false);
        var result = TdxQuoteValidator.Validate(verification, _policy).ThrowIfInvalid();

        var actual = new Dictionary<uint, byte[]> { [0] = quote.Body.MrTd.ToArray() };
        for (var i = 0; i < 4; i++)
        {
            actual[(uint)(i + 1)] = quote.Body.Rtmr(i).ToArray();
        }

        var comparison = _measurements.Compare(actual);
        comparison.ThrowIfFailed();
        var warnings = new List<string>(result.Warnings);
        foreach (var w in comparison.Warnings)
        {
            warnings.Add(w.ToString()!);
        }

        if (_measurements.Count == 0)
        {
            warnings.Add(MeasurementRequirement.NothingComparedWarning);
        }

        return new AttestationValidationResult(Variant, doc.UserData.Span, warnings, actual);
    }
}
