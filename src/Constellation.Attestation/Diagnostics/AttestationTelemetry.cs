using System.Diagnostics;

namespace Constellation.Attestation.Diagnostics;

/// <summary>
/// Names under which the library publishes metrics and traces, for OpenTelemetry:
/// <c>builder.WithMetrics(m =&gt; m.AddMeter(AttestationTelemetry.MeterName))</c> and
/// <c>builder.WithTracing(t =&gt; t.AddSource(AttestationTelemetry.ActivitySourceName))</c>.
/// </summary>
public static class AttestationTelemetry
{
    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> name of every Constellation instrument, the attestation ones and
    /// aTLS's <c>constellation.atls.handshake.duration</c> alike.
    /// </summary>
    public const string MeterName = "Constellation.Attestation";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name for validations and handshakes.</summary>
    public const string ActivitySourceName = "Constellation.Attestation";

    /// <summary>Counter of validations; tags <c>variant</c>, <c>outcome</c> (<c>success</c>|<c>failure</c>), <c>reason</c> on failure.</summary>
    public const string ValidationsInstrument = "constellation.attestation.validations";

    /// <summary>Histogram of validation durations in seconds; tags <c>variant</c>, <c>outcome</c>.</summary>
    public const string ValidationDurationInstrument = "constellation.attestation.validation.duration";

    /// <summary>Counter of collateral cache lookups; tags <c>source</c> (e.g. <c>kds</c>, <c>pcs</c>) and <c>result</c> (<c>hit</c>|<c>miss</c>).</summary>
    public const string CollateralCacheInstrument = "constellation.attestation.collateral.cache.lookups";

    /// <summary>
    /// The activity source for validations and handshakes. It holds no mutable state of ours; listeners attach to it by name.
    /// </summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}
