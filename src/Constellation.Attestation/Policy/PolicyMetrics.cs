using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Constellation.Attestation.Policy;

/// <summary>
/// The instruments of an <see cref="UpdateableAttestationValidator"/>, on the meter <see cref="MeterName"/>:
/// <c>constellation.attestation.policy.reloads</c> (reloads that read a valid policy, tagged <c>outcome</c> =
/// <c>applied</c> or <c>unchanged</c>), <c>constellation.attestation.policy.reload_failures</c> (bad updates kept out)
/// and the observable gauge <c>constellation.attestation.policy.generation</c>. Every measurement is tagged with
/// <c>source</c> (the policy source's description).
/// </summary>
public sealed class PolicyMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Constellation.Attestation.Policy";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _failures;
    private readonly KeyValuePair<string, object?> _sourceTag;

    internal PolicyMetrics(IMeterFactory? meterFactory, string source, Func<long> generation)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(MeterName);
        }

        _sourceTag = new("source", source);
        _reloads = meter.CreateCounter<long>("constellation.attestation.policy.reloads", unit: "{reload}", description: "Policy reloads that read a valid policy.");
        _failures = meter.CreateCounter<long>("constellation.attestation.policy.reload_failures", unit: "{reload}", description: "Policy reloads that failed; the previous policy stayed in effect.");
        meter.CreateObservableGauge("constellation.attestation.policy.generation", () => new Measurement<long>(generation(), _sourceTag), unit: "{generation}", description: "Generation of the policy in effect.");
    }

    internal void Reloaded(PolicyReloadOutcome outcome) =>
        _reloads.Add(1, _sourceTag, new KeyValuePair<string, object?>("outcome", outcome == PolicyReloadOutcome.Applied ? "applied" : "unchanged"));

    internal void Failed() => _failures.Add(1, _sourceTag);

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();
}
