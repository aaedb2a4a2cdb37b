using System;
using System.Collections.Concurrent;

namespace Constellation.JoinService.Join;

/// <summary>
/// Binds each kubelet node name to the state disk (UUID) of the node that first obtained a certificate for it, so
/// one attested node cannot obtain a kubelet identity that belongs to another node.
/// </summary>
/// <remarks>Thread-safe: the first binding of a name wins atomically.</remarks>
public sealed class NodeNameRegistry
{
    private readonly ConcurrentDictionary<string, string> _diskByNode = new(StringComparer.Ordinal);

    /// <summary>Binds <paramref name="nodeName"/> to <paramref name="diskUuid"/>, or checks the existing binding.</summary>
    /// <param name="nodeName">The node name from the CSR.</param>
    /// <param name="diskUuid">The requesting node's state disk UUID.</param>
    /// <exception cref="JoinRequestRejectedException">The name already belongs to a node with another state disk.</exception>
    public void Claim(string nodeName, string diskUuid)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(diskUuid);
        var owner = _diskByNode.GetOrAdd(nodeName, diskUuid);
        if (!string.Equals(owner, diskUuid, StringComparison.Ordinal))
        {
            throw new JoinRequestRejectedException(
                "certificate_request.subject.CN",
                $"a node name not held by another node (\"{KubeletCsr.NodeCommonNamePrefix}{nodeName}\" belongs to the node with state disk {owner})",
                $"a request from the node with state disk {diskUuid}");
        }
    }
}
