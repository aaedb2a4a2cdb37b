using System.Net;
using System.Net.Sockets;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using Constellation.Cluster.Store.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Benchmarks.Store;

/// <summary>
/// The store a store benchmark runs on: one real etcd member (its own CA, mutual TLS on loopback, data in a temp
/// directory with etcd's fsync per commit) reached through <see cref="EtcdClusterStore"/>, or <see cref="InMemoryClusterStore"/>.
/// Dispose stops the member and deletes its directory.
/// </summary>
internal sealed class BenchmarkStore : IAsyncDisposable
{
    private readonly EtcdMember? _member;
    private readonly ClusterCertificateAuthority? _ca;
    private readonly string? _directory;

    private BenchmarkStore(IClusterStore store, EtcdMember? member, ClusterCertificateAuthority? ca, string? directory)
    {
        Store = store;
        _member = member;
        _ca = ca;
        _directory = directory;
    }

    /// <summary>Gets the store.</summary>
    public IClusterStore Store { get; }

    /// <summary>Starts the store named by a benchmark parameter: <c>etcd</c> or <c>memory</c>.</summary>
    public static async Task<BenchmarkStore> StartAsync(string kind)
    {
        if (kind == "memory")
        {
            return new BenchmarkStore(new InMemoryClusterStore(), null, null, null);
        }

        if (kind != "etcd")
        {
            throw new ArgumentException($"store: expected etcd or memory, got {kind}", nameof(kind));
        }

        var directory = Directory.CreateTempSubdirectory("etcd-bench-").FullName;
        var ca = ClusterCertificateAuthority.Create("bench-ca", DateTimeOffset.UtcNow);
        var options = new EtcdMemberOptions
        {
            Name = "bench",
            Directory = directory,
            ClientEndpoint = FreePort(),
            PeerEndpoint = FreePort(),
            Certificate = EtcdIdentity.IssueMemberCertificate(ca, [IPAddress.Loopback], DateTimeOffset.UtcNow),
            ClusterCa = ca.Certificate,
        };
        var member = await EtcdMember.StartNewClusterAsync(options, NullLogger.Instance, CancellationToken.None);
        var store = new EtcdClusterStore(new EtcdStoreOptions
        {
            Endpoints = [options.ClientEndpoint.ToString()],
            ClientCertificate = EtcdIdentity.IssueClientCertificate(ca, DateTimeOffset.UtcNow),
            ClusterCa = ca.Certificate,
        });
        return new BenchmarkStore(store, member, ca, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
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

    private static IPEndPoint FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (IPEndPoint)listener.LocalEndpoint;
    }
}
