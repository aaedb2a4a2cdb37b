using System;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Cluster.Keys;

/// <summary>
/// What a data key is for: the measurement secret, the emergency SSH CA seed, or one state disk. A closed set, so a
/// value taken from a request (a disk UUID) can never name one of the cluster's internal keys. Immutable.
/// </summary>
/// <remarks>
/// On the key service's wire (<c>data_key_id</c>) the three namespaces cannot collide: <c>measurementSecret</c> and
/// <c>ca_emergency_ssh</c> are not UUIDs, and a disk key id is always a canonical UUID. The HKDF info is
/// <c>"key-" + <see cref="WireValue"/></c>, as Constellation's key service derives it.
/// </remarks>
public sealed class DataKeyId : IEquatable<DataKeyId>
{
    private const string MeasurementSecretWire = "measurementSecret";
    private const string EmergencySshCaSeedWire = "ca_emergency_ssh";

    private DataKeyId(string wireValue, StateDiskUuid? disk)
    {
        WireValue = wireValue;
        Disk = disk;
    }

    /// <summary>Gets the id of the measurement secret (<c>measurementSecret</c>), from which the cluster ID is derived.</summary>
    public static DataKeyId MeasurementSecret { get; } = new(MeasurementSecretWire, null);

    /// <summary>Gets the id of the emergency SSH CA's Ed25519 seed (<c>ca_emergency_ssh</c>).</summary>
    public static DataKeyId EmergencySshCaSeed { get; } = new(EmergencySshCaSeedWire, null);

    /// <summary>Gets the id as the key service's <c>data_key_id</c> carries it (without the <c>key-</c> prefix).</summary>
    public string WireValue { get; }

    /// <summary>Gets the state disk this key unlocks, or <see langword="null"/> for the cluster's internal keys.</summary>
    public StateDiskUuid? Disk { get; }

    /// <summary>Gets the HKDF info string: <c>key-</c> followed by <see cref="WireValue"/>.</summary>
    internal string HkdfInfo => ClusterKeyDerivation.DataKeyPrefix + WireValue;

    /// <summary>Gets the id of a state disk's key.</summary>
    /// <param name="disk">The disk.</param>
    /// <returns>The id.</returns>
    public static DataKeyId StateDisk(StateDiskUuid disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return new DataKeyId(disk.Value, disk);
    }

    /// <summary>Reads a key service <c>data_key_id</c>: <c>measurementSecret</c>, <c>ca_emergency_ssh</c> or a canonical disk UUID.</summary>
    /// <param name="value">The wire value.</param>
    /// <param name="id">The id, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the value names one of the three kinds of key.</returns>
    public static bool TryParseWire(ReadOnlySpan<char> value, [NotNullWhen(true)] out DataKeyId? id)
    {
        if (value.SequenceEqual(MeasurementSecretWire))
        {
            id = MeasurementSecret;
            return true;
        }

        if (value.SequenceEqual(EmergencySshCaSeedWire))
        {
            id = EmergencySshCaSeed;
            return true;
        }

        id = StateDiskUuid.TryParse(value, out var disk) ? StateDisk(disk) : null;
        return id is not null;
    }

    /// <inheritdoc />
    public bool Equals(DataKeyId? other) => other is not null && string.Equals(WireValue, other.WireValue, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DataKeyId);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(WireValue);

    /// <summary>Returns the id for logs: the name of an internal key, or the disk's fingerprint (never its UUID).</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Disk is { } disk ? $"key of {disk}" : WireValue;
}
