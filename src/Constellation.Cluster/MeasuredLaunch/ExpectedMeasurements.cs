using System;
using System.Collections.Generic;
using System.Linq;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// The reference values of a measured launch, computed from its events before any node runs (as an image's measurements
/// are published): the SHA-256 bank folded from zero for PCRs 0–9 and 11–15, every one enforced. PCRs without events
/// (8, 11–14) and the cluster-ID register (15, extended only when the node is initialised or joins) are expected zero;
/// PCR 10 (IMA) is not checked, as in Constellation's defaults.
/// </summary>
public static class ExpectedMeasurements
{
    /// <summary>The PCRs the reference values hold.</summary>
    public static IReadOnlyList<uint> Indices { get; } = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15];

    /// <summary>Computes the reference values.</summary>
    /// <param name="events">The launch's events, in order.</param>
    /// <returns>The measurements.</returns>
    public static MeasurementSet Compute(IEnumerable<MeasuredBootEvent> events)
    {
        var values = Fold(events, TpmAlgorithm.Sha256);
        return new MeasurementSet(Indices.Select(i => KeyValuePair.Create(
            i, new Measurement(values.TryGetValue((int)i, out var value) ? value : new byte[Measurement.Sha256Length], warnOnly: false))));
    }

    /// <summary>Folds the events of one bank: every PCR starts at zero and is extended with each event's digest, in order.</summary>
    /// <param name="events">The events.</param>
    /// <param name="bank">The bank.</param>
    /// <returns>The value of every PCR that has an event.</returns>
    public static IReadOnlyDictionary<int, byte[]> Fold(IEnumerable<MeasuredBootEvent> events, TpmAlgorithm bank)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pcrs = new Dictionary<int, byte[]>();
        foreach (var e in events)
        {
            var current = pcrs.TryGetValue(e.Pcr, out var value) ? value : new byte[TpmHash.GetDigestSize(bank)];
            pcrs[e.Pcr] = TpmHash.Compute(bank, [.. current, .. e.Digest(bank)]);
        }

        return pcrs;
    }
}
