using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Constellation.Attestation.Diagnostics;

/// <summary>
/// The attestation instruments (validations, collateral cache lookups) on one <see cref="Meter"/> named
/// <see cref="AttestationTelemetry.MeterName"/>; aTLS records its handshakes on the same meter name itself
/// (<c>Constellation.Atls.Diagnostics.AtlsMetrics</c>).
/// Create one per application (the DI extensions register it as a singleton, made by the host's
/// <see cref="IMeterFactory"/>). Thread-safe.
/// </summary>
public sealed class AttestationMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _validations;
    private readonly Histogram<double> _validationDuration;
    private readonly Counter<long> _cacheLookups;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The host's meter factory; when <see langword="null"/> a meter owned by this object is created.</param>
    public AttestationMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(AttestationTelemetry.MeterName) ?? new Meter(AttestationTelemetry.MeterName);
        _validations = _meter.CreateCounter<long>(AttestationTelemetry.ValidationsInstrument, "{validation}", "Attestation validations by variant and outcome.");
        _validationDuration = _meter.CreateHistogram<double>(AttestationTelemetry.ValidationDurationInstrument, "s", "Duration of attestation validations.");
        _cacheLookups = _meter.CreateCounter<long>(AttestationTelemetry.CollateralCacheInstrument, "{lookup}", "Collateral cache lookups by source and result.");
    }

    /// <summary>Records one validation.</summary>
    /// <param name="variant">The variant validated.</param>
    /// <param name="duration">How long it took.</param>
    /// <param name="failure">The error when it failed, or <see langword="null"/>.</param>
    public void RecordValidation(AttestationVariant variant, TimeSpan duration, Exception? failure)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var outcome = failure is null ? "success" : "failure";
        var variantTag = new KeyValuePair<string, object?>("variant", variant.Name);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        if (failure is null)
        {
            _validations.Add(1, variantTag, outcomeTag);
        }
        else
        {
            _validations.Add(1, variantTag, outcomeTag, new KeyValuePair<string, object?>("reason", ReasonOf(failure)));
        }

        _validationDuration.Record(duration.TotalSeconds, variantTag, outcomeTag);
    }

    /// <summary>Records a collateral cache lookup.</summary>
    /// <param name="source">The collateral source, e.g. <c>kds</c> or <c>pcs</c>.</param>
    /// <param name="hit">Whether the cache had a usable entry.</param>
    public void RecordCacheLookup(string source, bool hit)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    /// <summary>
    /// A low-cardinality failure reason, as the <c>reason</c> tag carries it: the exception type without the
    /// <c>Attestation</c>/<c>Exception</c> affixes, e.g. <c>MeasurementMismatch</c>, <c>Signature</c>, <c>Binding</c>
    /// (<c>Canceled</c> for cancellations). Never the message, which may name peer data.
    /// </summary>
    /// <param name="failure">The error.</param>
    /// <returns>The reason.</returns>
    public static string ReasonOf(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var name = failure.GetType().Name;
        if (name.EndsWith("Exception", StringComparison.Ordinal))
        {
            name = name[..^"Exception".Length];
        }

        if (name.StartsWith("Attestation", StringComparison.Ordinal) && name.Length > "Attestation".Length)
        {
            name = name["Attestation".Length..];
        }

        return failure is OperationCanceledException ? "Canceled" : name;
    }
}
