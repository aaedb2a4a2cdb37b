using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

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
        _measurements = measurements?.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray())
            ?? ImmutableSortedDictionary<uint, ImmutableArray<byte>>.Empty;
    }

    private readonly IOrderedMeasurements? _ordered;
    private ImmutableSortedDictionary<uint, ImmutableArray<byte>>? _measurements;

    /// <summary>
    /// Takes what the validation path decoded for this call only (no copies). The public dictionary of measurements is
    /// built, with a copy of each value, the first time someone asks for it.
    /// </summary>
    /// <param name="variant">The variant that was validated.</param>
    /// <param name="userData">The user data; never written to afterwards.</param>
    /// <param name="warnings">The findings that did not fail validation.</param>
    /// <param name="orderedMeasurements">The measurements by ascending index (immutable).</param>
    internal AttestationValidationResult(AttestationVariant variant, ReadOnlyMemory<byte> userData, ImmutableArray<string> warnings, IOrderedMeasurements orderedMeasurements)
    {
        Variant = variant;
        UserData = userData;
        Warnings = warnings.IsDefault ? ImmutableArray<string>.Empty : warnings;
        _ordered = orderedMeasurements;
    }

    /// <summary>Gets the variant that was validated.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the user data bound by the document.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>Gets the findings that did not fail validation.</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary>Gets the measurements reported by the evidence, by index.</summary>
    public ImmutableSortedDictionary<uint, ImmutableArray<byte>> Measurements => _measurements ?? CreateMeasurements();

    private ImmutableSortedDictionary<uint, ImmutableArray<byte>> CreateMeasurements()
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<uint, ImmutableArray<byte>>();
        for (var i = 0; i < _ordered!.Count; i++)
        {
            builder.Add(_ordered.IndexAt(i), ImmutableArray.Create(_ordered.ValueAt(i)));
        }

        // Racing first reads build equal dictionaries; either may win.
        return Interlocked.CompareExchange(ref _measurements, builder.ToImmutable(), null) ?? _measurements;
    }
}
