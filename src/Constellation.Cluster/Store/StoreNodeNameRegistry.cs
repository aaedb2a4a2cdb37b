using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Store;

/// <summary>
/// The node registry on the cluster store, shared by every cluster-services replica: <c>/constellation/nodes/name/&lt;name&gt;</c>
/// holds the disk UUID and <c>/constellation/nodes/disk/&lt;uuid&gt;</c> the name. A binding is made only by one
/// transaction that writes both keys on the condition that neither exists, so two replicas claiming concurrently can
/// never hand one name to two disks or one disk to two names.
/// </summary>
/// <remarks>Thread-safe. Refusals are <see cref="NodeNameRegistry"/>'s (they name the requested name only, never the other disk).</remarks>
internal sealed class StoreNodeNameRegistry(IClusterStore store) : INodeNameRegistry
{
    // A lost race means the other claim's keys now exist, so the next round decides; more rounds than this means a store that misbehaves.
    private const int MaxRounds = 8;

    /// <inheritdoc />
    public async Task ClaimAsync(string nodeName, StateDiskUuid disk, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(disk);
        var nameKey = StoreKeys.NodeByName + nodeName;
        var diskKey = StoreKeys.NodeByDisk + disk.Value;
        for (var round = 0; round < MaxRounds; round++)
        {
            var owner = await store.GetAsync(nameKey, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
            {
                if (!ReadDisk(owner).Equals(disk))
                {
                    throw NodeNameRegistry.NameBoundElsewhere(nodeName);
                }

                return;
            }

            if (await store.GetAsync(diskKey, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw NodeNameRegistry.DiskBoundElsewhere();
            }

            var bound = await store.CommitAsync(
                [StoreCondition.Absent(nameKey), StoreCondition.Absent(diskKey)],
                [StoreOperation.Put(nameKey, Encoding.UTF8.GetBytes(disk.Value)), StoreOperation.Put(diskKey, Encoding.UTF8.GetBytes(nodeName))],
                cancellationToken).ConfigureAwait(false);
            if (bound)
            {
                return;
            }
        }

        throw new NodeRegistryException($"node registry on {store.Description}: claim \"{nodeName}\": expected a decision within {MaxRounds} transactions, got a conflict each time");
    }

    /// <inheritdoc />
    public async Task<bool> IsBoundAsync(StateDiskUuid disk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return await store.GetAsync(StoreKeys.NodeByDisk + disk.Value, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Reads every binding (for consistency checks and status).</summary>
    /// <exception cref="NodeRegistryException">A binding is malformed or one direction lacks its partner.</exception>
    public async Task<System.Collections.Generic.IReadOnlyDictionary<string, StateDiskUuid>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var names = await store.GetPrefixAsync(StoreKeys.NodeByName, cancellationToken).ConfigureAwait(false);
        var disks = await store.GetPrefixAsync(StoreKeys.NodeByDisk, cancellationToken).ConfigureAwait(false);
        var bindings = new System.Collections.Generic.Dictionary<string, StateDiskUuid>(StringComparer.Ordinal);
        foreach (var entry in names.Entries)
        {
            bindings.Add(entry.Key[StoreKeys.NodeByName.Length..], ReadDisk(entry));
        }

        foreach (var entry in disks.Entries)
        {
            var name = Encoding.UTF8.GetString(entry.Value);
            if (!bindings.TryGetValue(name, out var disk) || StoreKeys.NodeByDisk + disk.Value != entry.Key)
            {
                throw new NodeRegistryException($"node registry on {store.Description}: {entry.Key}: expected the partner of a name binding, got one without");
            }
        }

        if (disks.Entries.Count != bindings.Count)
        {
            throw new NodeRegistryException($"node registry on {store.Description}: expected one disk key per name key, got {bindings.Count} names and {disks.Entries.Count} disks");
        }

        return bindings;
    }

    private StateDiskUuid ReadDisk(StoreEntry entry) =>
        StateDiskUuid.TryParse(Encoding.UTF8.GetString(entry.Value), out var disk)
            ? disk
            : throw new NodeRegistryException($"node registry on {store.Description}: {entry.Key}: expected a canonical disk UUID, got something else");
}
