using System;
using System.Collections.Generic;
using System.Linq;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>Merges fetched measurements into configured ones as Constellation's <c>CopyFrom</c> does.</summary>
public static class MeasurementsMerge
{
    /// <summary>
    /// Returns <paramref name="current"/> with every index of <paramref name="fetched"/> set to the fetched value;
    /// indices only in <paramref name="current"/> (e.g. a user's extra PCR) are kept.
    /// </summary>
    /// <param name="current">The configured measurements.</param>
    /// <param name="fetched">The fetched measurements.</param>
    /// <returns>The merged set.</returns>
    /// <exception cref="AttestationFormatException">The two sets have different value lengths.</exception>
    public static MeasurementSet Overlay(MeasurementSet current, MeasurementSet fetched)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(fetched);
        return new MeasurementSet(current.Where(kv => !fetched.ContainsKey(kv.Key)).Concat(fetched)
            .Select(kv => new KeyValuePair<uint, Measurement>(kv.Key, kv.Value)));
    }
}
