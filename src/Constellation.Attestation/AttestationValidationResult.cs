using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// What a successful validation established: the bound user data, warn-only findings and the measurements seen.
/// </summary>
public sealed class AttestationValidationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="variant">The variant that was validated.</param>
    /// <param name="userData">The user data bound by the document (copied).</param>
    /// <param name="warnings">Findings that did not fail validation, e.g. warn-only measurement mismatches.</param>
    /// <param name="measurements">The measurements the evidence reported, by index (copied); empty when the variant has none.</param>
    public AttestationValidationResult(
        AttestationVariant variant,
        ReadOnlySpan<byte> userData,
        IEnumerable<string>? warnings = null,
        IEnumerable<KeyValuePair<uint, byte[]>>? measurements = null)
    {
        ArgumentNullException.ThrowIfNull(variant);
        Variant = variant;
        UserData = userData.ToArray();
        Warnings = warnings?.ToImmutableArray() ?? ImmutableArray<string>.Empty;
        Measurements = measurements?.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray())
            ?? ImmutableSortedDictionary<uint, ImmutableArray<byte>>.Empty;
    }

    /// <summary>Gets the variant that was validated.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the user data bound by the document.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>Gets the findings that did not fail validation.</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary>Gets the measurements reported by the evidence, by index.</summary>
    public ImmutableSortedDictionary<uint, ImmutableArray<byte>> Measurements { get; }
}
