using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Diagnostics;

/// <summary>
/// Wraps a validator so every validation is counted, timed and traced (activity <c>attestation.validate</c>).
/// Results and errors pass through unchanged. Thread-safe when the inner validator is.
/// </summary>
public sealed class InstrumentedAttestationValidator : IAttestationValidator
{
    private readonly IAttestationValidator _inner;
    private readonly AttestationMetrics _metrics;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The validator doing the work.</param>
    /// <param name="metrics">Where to record.</param>
    public InstrumentedAttestationValidator(IAttestationValidator inner, AttestationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(metrics);
        _inner = inner;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public AttestationVariant Variant => _inner.Variant;

    /// <inheritdoc />
    public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        using var activity = AttestationTelemetry.ActivitySource.StartActivity("attestation.validate");
        activity?.SetTag("attestation.variant", Variant.Name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await _inner.ValidateAsync(document, nonce, cancellationToken).ConfigureAwait(false);
            _metrics.RecordValidation(Variant, Stopwatch.GetElapsedTime(started), null);
            activity?.SetTag("attestation.warnings", result.Warnings.Length);
            return result;
        }
        catch (Exception ex)
        {
            _metrics.RecordValidation(Variant, Stopwatch.GetElapsedTime(started), ex);
            activity?.SetStatus(ActivityStatusCode.Error, AttestationMetrics.ReasonOf(ex));
            throw;
        }
    }
}
