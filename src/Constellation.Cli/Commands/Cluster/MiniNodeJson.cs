using System.Collections.Generic;

namespace Constellation.Cli.Commands.Cluster;

/// <summary><c>constellation mini up --json</c>: every node with its verification result.</summary>
internal sealed record MiniUpJson(IReadOnlyList<MiniUpNodeJson> Nodes);

/// <summary>One node of <c>mini up --json</c>.</summary>
internal sealed record MiniUpNodeJson(string Name, string Role, int? Pid, string InitEndpoint, string VerifyEndpoint, string Verify);

/// <summary><c>constellation mini status --json</c>: every node's state.</summary>
internal sealed record MiniStatusJson(IReadOnlyList<MiniStatusNodeJson> Nodes);

/// <summary>One node of <c>mini status --json</c>: <c>netns</c> (= <c>namespace</c>), its VPN address, how many VPN peers it had a handshake with, whether its etcd member serves.</summary>
internal sealed record MiniStatusNodeJson(
    string Name, string Role, string State, int? Pid, string InitEndpoint, string VerifyEndpoint, string? Namespace, string? Netns, string? VpnIp, int Peers, bool EtcdMember);
