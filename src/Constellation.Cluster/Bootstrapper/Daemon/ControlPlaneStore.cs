using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Store.Etcd;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// A control plane's part of the cluster store: its etcd member (in <c>&lt;StateDirectory&gt;/etcd</c>, peers and
/// clients on mutual TLS with certificates of the etcd CA) and this bootstrapper's connection to the members — its own
/// first, then the other control planes'. The node that initialised the cluster starts a new cluster; a control plane
/// that joined adds its member through the others; after a reboot the member restarts from its data.
/// </summary>
internal sealed partial class ControlPlaneStore : IAsyncDisposable
{
    private readonly EtcdMember _member;
    private readonly EtcdMemberOptions _options;

    private ControlPlaneStore(EtcdMember member, EtcdMemberOptions options, EtcdConnection connection, IReadOnlyList<string> endpoints)
    {
        _member = member;
        _options = options;
        Connection = connection;
        Endpoints = endpoints;
    }

    /// <summary>Gets the connection to the members.</summary>
    public EtcdConnection Connection { get; }

    /// <summary>Gets the members' client endpoints this node knows, its own first.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Gets whether the member runs and answered since it last started.</summary>
    public bool IsMember => _member.IsReady;

    /// <summary>Gets whether this node's state directory holds an etcd member (it was a control plane of a store cluster).</summary>
    public static bool HasMember(BootstrapperDaemonSettings settings) => Directory.Exists(Path.Combine(MemberDirectory(settings), "data", "member"));

    /// <summary>Starts the member of a new cluster (init).</summary>
    public static Task<ControlPlaneStore> StartNewAsync(BootstrapperDaemonSettings settings, ClusterCertificateAuthority etcdCa, ILogger logger, CancellationToken cancellationToken) =>
        StartAsync(settings, etcdCa, logger, (options, _) => EtcdMember.StartNewClusterAsync(options, logger, cancellationToken));

    /// <summary>Adds this node's member to the cluster the other control planes run.</summary>
    public static Task<ControlPlaneStore> JoinAsync(BootstrapperDaemonSettings settings, ClusterCertificateAuthority etcdCa, ILogger logger, CancellationToken cancellationToken) =>
        StartAsync(settings, etcdCa, logger, async (options, others) =>
        {
            if (others.Count == 0)
            {
                throw new ClusterException($"etcd member {settings.NodeName}: expected the other control planes' etcd endpoints (from JoinEndpoints), got none");
            }

            await using var existing = EtcdConnection.Open(etcdCa, others, DateTimeOffset.UtcNow);
            return await EtcdMember.JoinAsync(options, existing.Store, logger, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Restarts the member from its data (a reboot).</summary>
    public static Task<ControlPlaneStore> RestartAsync(BootstrapperDaemonSettings settings, ClusterCertificateAuthority etcdCa, ILogger logger, CancellationToken cancellationToken) =>
        StartAsync(settings, etcdCa, logger, (options, _) => EtcdMember.RestartAsync(options, logger, cancellationToken));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        await _member.DisposeAsync().ConfigureAwait(false);
        _options.Certificate.Dispose();
        _options.ClusterCa.Dispose();
    }

    private static async Task<ControlPlaneStore> StartAsync(
        BootstrapperDaemonSettings settings, ClusterCertificateAuthority etcdCa, ILogger logger, Func<EtcdMemberOptions, IReadOnlyList<string>, Task<EtcdMember>> start)
    {
        var now = DateTimeOffset.UtcNow;
        var options = new EtcdMemberOptions
        {
            Name = settings.NodeName,
            Directory = MemberDirectory(settings),
            ClientEndpoint = new IPEndPoint(settings.ListenAddress, settings.EtcdClientPort),
            PeerEndpoint = new IPEndPoint(settings.ListenAddress, settings.EtcdPeerPort),
            Certificate = EtcdIdentity.IssueMemberCertificate(etcdCa, [settings.ListenAddress], now),
            ClusterCa = etcdCa.Certificate,
            Executable = settings.EtcdPath,
        };
        var others = OtherMembers(settings);
        EtcdMember member;
        try
        {
            member = await start(options, others).ConfigureAwait(false);
        }
        catch
        {
            options.Certificate.Dispose();
            options.ClusterCa.Dispose();
            throw;
        }

        IReadOnlyList<string> endpoints = [options.ClientEndpoint.ToString(), .. others];
        LogMember(logger, settings.NodeName, options.ClientUrl);
        return new ControlPlaneStore(member, options, EtcdConnection.Open(etcdCa, endpoints, now), endpoints);
    }

    // The other control planes run their members on their node addresses, the etcd client port of this build.
    private static List<string> OtherMembers(BootstrapperDaemonSettings settings) =>
        [.. settings.ControlPlaneHosts.Select(host => $"{host}:{settings.EtcdClientPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}")];

    private static string MemberDirectory(BootstrapperDaemonSettings settings) => Path.Combine(settings.StateDirectory, "etcd");

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd member {Name} serving clients at {Url}")]
    private static partial void LogMember(ILogger logger, string name, string url);
}
