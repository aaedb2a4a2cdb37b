using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using Constellation.Cluster.Store.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Benchmarks.Store;

/// <summary>
/// What the cluster store costs per join-time write: a node-name claim (two reads and one guarded transaction) and a
/// VPN re-publish of one of 50 peers (one range read and one guarded transaction), on one real etcd member (mutual TLS
/// on loopback, fsync to a temp dir) against the in-memory store.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's [GlobalCleanup] disposes the store.")]
public class ClusterStoreBenchmarks
{
    private const int Peers = 50;
    private readonly string[] _keys = [.. Enumerable.Range(0, Peers).Select(_ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))];
    private IClusterStore _store = null!;
    private EtcdMember? _member;
    private ClusterCertificateAuthority? _ca;
    private string? _directory;
    private StoreNodeNameRegistry _registry = null!;
    private StoreVpnPeerDirectory _peers = null!;
    private int _next;

    /// <summary>Gets or sets the store under test.</summary>
    [Params("etcd", "memory")]
    public string Store { get; set; } = "etcd";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark]
    public Task ClaimName() => _registry.ClaimAsync($"bench-{Interlocked.Increment(ref _next)}", StateDiskUuid.NewRandom(), CancellationToken.None);

    [Benchmark]
    public Task<Cluster.Vpn.VpnPeer> PublishVpnPeer()
    {
        var i = Interlocked.Increment(ref _next);
        return _peers.PublishAsync($"peer-{i % Peers}", _keys[i % Peers], $"10.1.0.{i % Peers}:{50000 + (i % 1000)}", CancellationToken.None);
    }

    private static IPEndPoint FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (IPEndPoint)listener.LocalEndpoint;
    }

    private async Task SetupAsync()
    {
        if (Store == "etcd")
        {
            _directory = Directory.CreateTempSubdirectory("etcd-bench-").FullName;
            _ca = ClusterCertificateAuthority.Create("bench-ca", DateTimeOffset.UtcNow);
            var options = new EtcdMemberOptions
            {
                Name = "bench",
                Directory = _directory,
                ClientEndpoint = FreePort(),
                PeerEndpoint = FreePort(),
                Certificate = EtcdIdentity.IssueMemberCertificate(_ca, [IPAddress.Loopback], DateTimeOffset.UtcNow),
                ClusterCa = _ca.Certificate,
            };
            _member = await EtcdMember.StartNewClusterAsync(options, NullLogger.Instance, CancellationToken.None);
            _store = new EtcdClusterStore(new EtcdStoreOptions
            {
                Endpoints = [options.ClientEndpoint.ToString()],
                ClientCertificate = EtcdIdentity.IssueClientCertificate(_ca, DateTimeOffset.UtcNow),
                ClusterCa = _ca.Certificate,
            });
        }
        else
        {
            _store = new InMemoryClusterStore();
        }

        _registry = new StoreNodeNameRegistry(_store);
        _peers = new StoreVpnPeerDirectory(_store);
        for (var i = 0; i < Peers; i++)
        {
            await _peers.PublishAsync($"peer-{i}", _keys[i], $"10.1.0.{i}:51820", CancellationToken.None);
        }
    }

    private async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        if (_member is not null)
        {
            await _member.DisposeAsync();
        }

        _ca?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
