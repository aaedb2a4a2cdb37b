using System;
using System.Collections.Generic;
using System.Threading;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// Binds kubelet node names and state disks one to one: a name belongs to the disk that first obtained a certificate
/// for it, and a disk to that one name. So an attested node can obtain neither another node's kubelet identity nor,
/// under a new name, a second identity for its own disk; and <see cref="IsBound"/> tells rejoin which disks joined.
/// </summary>
/// <remarks>
/// Thread-safe: a claim checks and binds both directions under one lock, so concurrent claims produce one binding.
/// Refusals name the field and the requested node name only, never the other node's disk or name. The bindings live
/// in memory: a restarted join service starts empty (see docs/hosts.md).
/// </remarks>
public sealed class NodeNameRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StateDiskUuid> _diskByName = new(StringComparer.Ordinal);
    private readonly Dictionary<StateDiskUuid, string> _nameByDisk = [];

    /// <summary>Binds <paramref name="nodeName"/> and <paramref name="disk"/> to each other, or checks that they already are.</summary>
    /// <param name="nodeName">The node name from the CSR.</param>
    /// <param name="disk">The requesting node's state disk.</param>
    /// <exception cref="JoinRequestRejectedException">The name is bound to another disk, or the disk to another name; nothing was bound.</exception>
    public void Claim(string nodeName, StateDiskUuid disk)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(disk);
        lock (_gate)
        {
            if (_diskByName.TryGetValue(nodeName, out var owner))
            {
                if (!owner.Equals(disk))
                {
                    throw new JoinRequestRejectedException(
                        "certificate_request.subject.CN",
                        "a node name that is free or bound to this request's state disk",
                        $"\"{KubeletCsr.NodeCommonNamePrefix}{nodeName}\", which is bound to another node's state disk");
                }

                return;
            }

            if (_nameByDisk.ContainsKey(disk))
            {
                throw new JoinRequestRejectedException(
                    "disk_uuid", "a state disk that is free or bound to the requested node name", "a state disk bound to another node name");
            }

            _diskByName.Add(nodeName, disk);
            _nameByDisk.Add(disk, nodeName);
        }
    }

    /// <summary>Checks whether a state disk is bound to a node name (it joined, or is the init node's).</summary>
    /// <param name="disk">The disk.</param>
    /// <returns><see langword="true"/> if the disk is bound.</returns>
    public bool IsBound(StateDiskUuid disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        lock (_gate)
        {
            return _nameByDisk.ContainsKey(disk);
        }
    }
}
