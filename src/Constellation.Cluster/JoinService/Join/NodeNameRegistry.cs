using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// Binds kubelet node names and state disks one to one: a name belongs to the disk that first obtained a certificate
/// for it, and a disk to that one name. So an attested node can obtain neither another node's kubelet identity nor,
/// under a new name, a second identity for its own disk; and <see cref="IsBound"/> tells rejoin which disks joined.
/// </summary>
/// <remarks>
/// Thread-safe: a claim checks and binds both directions under one lock, so concurrent claims produce one binding.
/// Refusals name the field and the requested node name only, never the other node's disk or name. A registry made
/// with <see cref="Open"/> records every new binding in its file before the claim returns (a binding that cannot be
/// recorded is not made), so a restarted join service keeps them; <c>new NodeNameRegistry()</c> keeps them in memory.
/// </remarks>
public sealed class NodeNameRegistry : INodeNameRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StateDiskUuid> _diskByName = new(StringComparer.Ordinal);
    private readonly Dictionary<StateDiskUuid, string> _nameByDisk = [];
    private readonly string? _path;

    /// <summary>Creates an empty registry kept in memory.</summary>
    public NodeNameRegistry()
    {
    }

    private NodeNameRegistry(string path, IEnumerable<(string Name, StateDiskUuid Disk)> bindings)
    {
        _path = path;
        foreach (var (name, disk) in bindings)
        {
            _diskByName.Add(name, disk);
            _nameByDisk.Add(disk, name);
        }
    }

    /// <summary>Gets the file the bindings are recorded in, or <see langword="null"/> for a registry in memory.</summary>
    public string? FilePath => _path;

    /// <summary>Gets the number of bindings.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _diskByName.Count;
            }
        }
    }

    /// <summary>
    /// Opens the registry recorded in <paramref name="path"/> (mode 0600, replaced whole on each new binding); a missing
    /// file is an empty registry.
    /// </summary>
    /// <param name="path">The registry file.</param>
    /// <returns>The registry with the recorded bindings.</returns>
    /// <exception cref="NodeRegistryException">The file cannot be read, or is not a registry this service can trust (malformed, a name or disk bound twice).</exception>
    public static NodeNameRegistry Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new NodeNameRegistry(System.IO.Path.GetFullPath(path), NodeRegistryFile.Read(path));
    }

    /// <summary>Binds <paramref name="nodeName"/> and <paramref name="disk"/> to each other, or checks that they already are.</summary>
    /// <param name="nodeName">The node name from the CSR.</param>
    /// <param name="disk">The requesting node's state disk.</param>
    /// <exception cref="JoinRequestRejectedException">The name is bound to another disk, or the disk to another name; nothing was bound.</exception>
    /// <exception cref="NodeRegistryException">The new binding could not be recorded in the registry file; nothing was bound.</exception>
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
                    throw NameBoundElsewhere(nodeName);
                }

                return;
            }

            if (_nameByDisk.ContainsKey(disk))
            {
                throw DiskBoundElsewhere();
            }

            _diskByName.Add(nodeName, disk);
            _nameByDisk.Add(disk, nodeName);
            if (_path is not null)
            {
                try
                {
                    NodeRegistryFile.Write(_path, _diskByName);
                }
                catch
                {
                    // Not recorded, not made: a ticket must never rest on a binding a restart would forget.
                    _diskByName.Remove(nodeName);
                    _nameByDisk.Remove(disk);
                    throw;
                }
            }
        }
    }

    /// <inheritdoc />
    Task INodeNameRegistry.ClaimAsync(string nodeName, StateDiskUuid disk, CancellationToken cancellationToken)
    {
        Claim(nodeName, disk);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task<bool> INodeNameRegistry.IsBoundAsync(StateDiskUuid disk, CancellationToken cancellationToken) => Task.FromResult(IsBound(disk));

    /// <summary>The refusal of a name bound to another disk (it names the requested name only, never the other disk).</summary>
    internal static JoinRequestRejectedException NameBoundElsewhere(string nodeName) => new(
        "certificate_request.subject.CN",
        "a node name that is free or bound to this request's state disk",
        $"\"{KubeletCsr.NodeCommonNamePrefix}{nodeName}\", which is bound to another node's state disk");

    /// <summary>The refusal of a disk bound to another name (it names neither).</summary>
    internal static JoinRequestRejectedException DiskBoundElsewhere() =>
        new("disk_uuid", "a state disk that is free or bound to the requested node name", "a state disk bound to another node name");

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
