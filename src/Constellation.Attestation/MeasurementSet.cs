using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Security.Cryptography;

namespace Constellation.Attestation;

/// <summary>
/// Constellation's measurements (<c>M</c>): register index → expected value and enforcement.
/// Immutable; every value in one set has the same length (32 bytes for vTPM PCRs, 48 for TDX registers).
/// </summary>
/// <remarks>
/// Read and write the JSON and YAML shapes Constellation uses with <see cref="MeasurementJson"/> and
/// <see cref="MeasurementYaml"/>. <see cref="Compare(IReadOnlyDictionary{uint, byte[]})"/> reports every mismatch.
/// </remarks>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the domain concept (Constellation calls it M, the measurements).")]
public sealed class MeasurementSet : IReadOnlyDictionary<uint, Measurement>, IEquatable<MeasurementSet>
{
    private readonly ImmutableSortedDictionary<uint, Measurement> _entries;

    // The same entries in index order, for comparisons on the validation path (no tree walk per call).
    private readonly KeyValuePair<uint, Measurement>[] _ordered;

    /// <summary>Creates a set from index/measurement pairs.</summary>
    /// <param name="entries">The measurements by index.</param>
    /// <exception cref="AttestationFormatException">An index repeats, or values have different lengths.</exception>
    public MeasurementSet(IEnumerable<KeyValuePair<uint, Measurement>> entries)
        : this(entries, emptyAllowed: false)
    {
    }

    private MeasurementSet(IEnumerable<KeyValuePair<uint, Measurement>> entries, bool emptyAllowed)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = ImmutableSortedDictionary.CreateBuilder<uint, Measurement>();
        foreach (var (index, measurement) in entries)
        {
            ArgumentNullException.ThrowIfNull(measurement);
            if (builder.ContainsKey(index))
            {
                throw new AttestationFormatException($"measurements: index {index} appears more than once");
            }

            builder.Add(index, measurement);
        }

        var lengths = builder.Values.Select(m => m.Expected.Length).Distinct().ToArray();
        if (lengths.Length > 1)
        {
            throw new AttestationFormatException(
                $"inconsistent measurement length: expected all values to have the same length, got {string.Join(" and ", lengths.Select(l => $"{l} bytes"))}");
        }

        _entries = builder.ToImmutable();
        _ordered = [.. _entries];
        IsEmptyAllowed = emptyAllowed && _entries.Count == 0;
    }

    /// <summary>
    /// Gets an empty set. Validators refuse it (<see cref="EmptyMeasurementsException"/>): one that compares nothing
    /// accepts every image. Use <see cref="EmptyAllowed"/> to build such a validator on purpose.
    /// </summary>
    public static MeasurementSet Empty { get; } = new(Array.Empty<KeyValuePair<uint, Measurement>>());

    /// <summary>
    /// Gets the empty set that validators accept on purpose: nothing is compared, and every validation result carries a
    /// warning saying so. For learning the measurements of a fresh node and for tests; never for a verifier that
    /// decides whether to trust a machine. Serialized like <see cref="Empty"/> (<c>{}</c>): the permission is not part
    /// of any file format.
    /// </summary>
    public static MeasurementSet EmptyAllowed { get; } = new(Array.Empty<KeyValuePair<uint, Measurement>>(), emptyAllowed: true);

    /// <summary>Gets a value indicating whether this is <see cref="EmptyAllowed"/>, the empty set validators accept on purpose.</summary>
    public bool IsEmptyAllowed { get; }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public IEnumerable<uint> Keys => _entries.Keys;

    /// <inheritdoc />
    public IEnumerable<Measurement> Values => _entries.Values;

    /// <summary>Gets the length of the values in this set (32 or 48), or 0 when it is empty.</summary>
    public int ValueLength => _entries.Count == 0 ? 0 : _entries.First().Value.Expected.Length;

    /// <inheritdoc />
    public Measurement this[uint key] => _entries[key];

    /// <inheritdoc />
    public bool ContainsKey(uint key) => _entries.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(uint key, [MaybeNullWhen(false)] out Measurement value) => _entries.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<uint, Measurement>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns a copy with one index set (added or replaced).</summary>
    /// <param name="index">The register index.</param>
    /// <param name="measurement">The expected measurement.</param>
    /// <returns>The new set.</returns>
    public MeasurementSet With(uint index, Measurement measurement) =>
        new(_entries.SetItem(index, measurement ?? throw new ArgumentNullException(nameof(measurement))));

    /// <summary>Returns a copy without the given index.</summary>
    /// <param name="index">The register index.</param>
    /// <returns>The new set.</returns>
    public MeasurementSet Without(uint index) => _entries.ContainsKey(index) ? new(_entries.Remove(index)) : this;

    /// <summary>
    /// Compares reported register values with this set. Every index in this set is checked, in ascending
    /// order; indices reported but not in this set are ignored.
    /// </summary>
    /// <param name="actual">The register values the verified evidence reports, by index.</param>
    /// <returns>Every mismatch (missing values count as mismatches).</returns>
    public MeasurementComparison Compare(IReadOnlyDictionary<uint, byte[]> actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        List<MeasurementMismatch>? mismatches = null;
        foreach (var (index, expected) in _ordered)
        {
            if (actual.TryGetValue(index, out var value) && value is not null)
            {
                Check(index, expected, value, ref mismatches);
            }
            else
            {
                (mismatches ??= []).Add(new MeasurementMismatch(index, expected, null));
            }
        }

        return mismatches is null ? MeasurementComparison.NoMismatches : new MeasurementComparison(mismatches);
    }

    /// <summary>
    /// <see cref="Compare(IReadOnlyDictionary{uint, byte[]})"/> for values already in ascending index order without
    /// duplicates (the validation path's shape): one merge pass, no dictionary.
    /// </summary>
    internal MeasurementComparison Compare(IOrderedMeasurements ordered)
    {
        List<MeasurementMismatch>? mismatches = null;
        var next = 0;
        var count = ordered.Count;
        foreach (var (index, expected) in _ordered)
        {
            while (next < count && ordered.IndexAt(next) < index)
            {
                next++;
            }

            if (next < count && ordered.IndexAt(next) == index)
            {
                Check(index, expected, ordered.ValueAt(next), ref mismatches);
            }
            else
            {
                (mismatches ??= []).Add(new MeasurementMismatch(index, expected, null));
            }
        }

        return mismatches is null ? MeasurementComparison.NoMismatches : new MeasurementComparison(mismatches);
    }

    private static void Check(uint index, Measurement expected, ReadOnlySpan<byte> value, ref List<MeasurementMismatch>? mismatches)
    {
        // Both sides are public (reference values and reported evidence), so no constant-time comparison is needed.
        if (!value.SequenceEqual(expected.Expected.AsSpan()))
        {
            (mismatches ??= []).Add(new MeasurementMismatch(index, expected, ImmutableArray.Create(value)));
        }
    }

    /// <summary>
    /// Returns the expectation for an initialised node: the register at <paramref name="index"/> becomes
    /// <c>H(expected ‖ H(clusterId))</c> with the set's hash (SHA-256 for 32-byte values, SHA-384 for 48-byte values),
    /// keeping its enforcement. When <paramref name="clusterId"/> is empty the index is removed.
    /// </summary>
    /// <param name="index">The cluster-ID register (15 for vTPM PCRs, 3 for qemu-tdx).</param>
    /// <param name="clusterId">The cluster ID, or empty when unknown.</param>
    /// <returns>The new set.</returns>
    public MeasurementSet WithClusterId(uint index, ReadOnlySpan<byte> clusterId)
    {
        if (clusterId.IsEmpty)
        {
            return Without(index);
        }

        if (!_entries.TryGetValue(index, out var current))
        {
            return this;
        }

        var extended = ExtendRegister(current.Expected.AsSpan(), clusterId);
        return With(index, new Measurement(extended, current.WarnOnly));
    }

    /// <summary>
    /// Computes a register extend with event data, as <c>TPM2_PCR_Event</c> and RTMR extends do:
    /// <c>H(register ‖ H(data))</c>, where H matches the register length (32 → SHA-256, 48 → SHA-384).
    /// </summary>
    /// <param name="register">The current register value (32 or 48 bytes).</param>
    /// <param name="eventData">The event data.</param>
    /// <returns>The new register value.</returns>
    public static byte[] ExtendRegister(ReadOnlySpan<byte> register, ReadOnlySpan<byte> eventData)
    {
        return register.Length switch
        {
            Measurement.Sha256Length => SHA256.HashData([.. register, .. SHA256.HashData(eventData)]),
            Measurement.Sha384Length => SHA384.HashData([.. register, .. SHA384.HashData(eventData)]),
            _ => throw new AttestationFormatException(
                $"register value: expected length {Measurement.Sha256Length} or {Measurement.Sha384Length} bytes, got {register.Length}"),
        };
    }

    /// <inheritdoc />
    public bool Equals(MeasurementSet? other) =>
        other is not null && Count == other.Count && IsEmptyAllowed == other.IsEmptyAllowed
        && _entries.All(kv => other.TryGetValue(kv.Key, out var m) && kv.Value.Equals(m));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MeasurementSet);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsEmptyAllowed);
        foreach (var (index, measurement) in _entries)
        {
            hash.Add(index);
            hash.Add(measurement);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => MeasurementJson.Serialize(this);
}
