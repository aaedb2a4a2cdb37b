using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Constellation.Attestation.Diagnostics;

namespace Constellation.Atls.Diagnostics;

/// <summary>
/// The aTLS instrument, <see cref="HandshakeDurationInstrument"/>, on the meter named
/// <see cref="AttestationTelemetry.MeterName"/>: the meter the attestation instruments use, so collecting that one meter
/// (<c>AddMeter(AttestationTelemetry.MeterName)</c>) still collects the handshakes. Create one per application (the DI
/// extensions register it as a singleton, made by the host's <see cref="IMeterFactory"/>) and hand it to
/// <see cref="AtlsOptions.Metrics"/>. Thread-safe.
/// </summary>
public sealed class AtlsMetrics : IDisposable
{
    /// <summary>
    /// Histogram of aTLS handshake durations in seconds (TLS handshake plus attestation); tags <c>role</c>
    /// (<c>client</c>|<c>server</c>), <c>outcome</c> (<c>success</c>|<c>failure</c>), <c>reason</c> on failure.
    /// </summary>
    public const string HandshakeDurationInstrument = "constellation.atls.handshake.duration";

    private readonly Meter _meter;
    private readonly Histogram<double> _handshakeDuration;

    /// <summary>Creates the instrument.</summary>
    /// <param name="meterFactory">The host's meter factory; when <see langword="null"/> a meter owned by this object is created.</param>
    public AtlsMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(AttestationTelemetry.MeterName) ?? new Meter(AttestationTelemetry.MeterName);
        _handshakeDuration = _meter.CreateHistogram<double>(HandshakeDurationInstrument, "s", "Duration of aTLS handshakes including attestation.");
    }

    /// <summary>Records an aTLS handshake.</summary>
    /// <param name="role"><c>client</c> or <c>server</c>.</param>
    /// <param name="duration">How long it took, attestation included.</param>
    /// <param name="failure">The error when it failed, or <see langword="null"/>; only its type is recorded (<see cref="AttestationMetrics.ReasonOf"/>).</param>
    public void RecordHandshake(string role, TimeSpan duration, Exception? failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        var roleTag = new KeyValuePair<string, object?>("role", role);
        if (failure is null)
        {
            _handshakeDuration.Record(duration.TotalSeconds, roleTag, new KeyValuePair<string, object?>("outcome", "success"));
        }
        else
        {
            _handshakeDuration.Record(
                duration.TotalSeconds, roleTag, new KeyValuePair<string, object?>("outcome", "failure"), new KeyValuePair<string, object?>("reason", AttestationMetrics.ReasonOf(failure)));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
