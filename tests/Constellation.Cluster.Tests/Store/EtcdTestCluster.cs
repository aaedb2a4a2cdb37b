using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Store.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// Real etcd members on loopback for one test: a fresh cluster CA, bind-probed ports, a temp directory per member,
/// mutual TLS everywhere. Fails loudly when <c>etcd</c> is not installed. Dispose stops every member and deletes the directory.
/// </summary>
internal sealed class EtcdTestCluster : IAsyncDisposable
{
    private readonly List<EtcdMember?> _members = [];
    private readonly List<EtcdMemberOptions> _options = [];
    private readonly List<EtcdClusterStore> _clients = [];

    private EtcdTestCluster(string directory)
    {
        Directory = directory;
        Ca = ClusterCertificateAuthority.Create("etcd-test-ca", DateTimeOffset.UtcNow);
        ClientCertificate = EtcdIdentity.IssueClientCertificate(Ca, DateTimeOffset.UtcNow);
    }

    public string Directory { get; }

    public ClusterCertificateAuthority Ca { get; }

    public X509Certificate2 ClientCertificate { get; }

    public IReadOnlyList<EtcdMember?> Members => _members;

    public IReadOnlyList<string> Endpoints => [.. _options.Select(o => o.ClientEndpoint.ToString())];

    /// <summary>Starts <paramref name="members"/> members: the first as a new cluster, the others joining it one by one.</summary>
    public static async Task<EtcdTestCluster> StartAsync(int members)
    {
        RequireEtcd();
        var cluster = new EtcdTestCluster(Path.Combine(Path.GetTempPath(), "etcd-test-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            for (var i = 0; i < members; i++)
            {
                await cluster.AddMemberAsync();
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static void RequireEtcd()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "etcd")));
        if (!found)
        {
            Assert.Fail("etcd is not installed (Debian etcd-server); these tests run against a real etcd and do not skip");
        }
    }

    public static IPEndPoint FreeLoopbackEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (IPEndPoint)listener.LocalEndpoint;
    }

    public EtcdMemberOptions NewMemberOptions(X509Certificate2? certificate = null, X509Certificate2? trustedCa = null)
    {
        var name = $"m{_options.Count + 1}";
        return new EtcdMemberOptions
        {
            Name = name,
            Directory = Path.Combine(Directory, name),
            ClientEndpoint = FreeLoopbackEndpoint(),
            PeerEndpoint = FreeLoopbackEndpoint(),
            Certificate = certificate ?? EtcdIdentity.IssueMemberCertificate(Ca, [IPAddress.Loopback], DateTimeOffset.UtcNow),
            ClusterCa = trustedCa ?? Ca.Certificate,
            ReadyTimeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task<EtcdMember> AddMemberAsync(EtcdMemberOptions? options = null)
    {
        options ??= NewMemberOptions();
        EtcdMember member;
        if (_members.Count == 0)
        {
            member = await EtcdMember.StartNewClusterAsync(options, NullLogger.Instance, CancellationToken.None);
        }
        else
        {
            await using var existing = Client();
            member = await EtcdMember.JoinAsync(options, existing, NullLogger.Instance, CancellationToken.None);
        }

        _options.Add(options);
        _members.Add(member);
        return member;
    }

    /// <summary>A client of every member (or of the given endpoints) with the cluster services' certificate.</summary>
    public EtcdClusterStore Client(IReadOnlyList<string>? endpoints = null, X509Certificate2? certificate = null, TimeSpan? operationTimeout = null)
    {
        var client = new EtcdClusterStore(new EtcdStoreOptions
        {
            Endpoints = endpoints ?? Endpoints,
            ClientCertificate = certificate ?? ClientCertificate,
            ClusterCa = Ca.Certificate,
            OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(15),
        });
        _clients.Add(client);
        return client;
    }

    /// <summary>Stops member <paramref name="index"/> and waits until it exited (its data directory stays).</summary>
    public async Task StopAsync(int index)
    {
        if (_members[index] is { } member)
        {
            await member.DisposeAsync();
            _members[index] = null;
        }
    }

    /// <summary>Starts member <paramref name="index"/> again from its data directory (a node reboot).</summary>
    public async Task<EtcdMember> RestartAsync(int index)
    {
        var member = await EtcdMember.RestartAsync(_options[index], NullLogger.Instance, CancellationToken.None);
        _members[index] = member;
        return member;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var member in _members)
        {
            if (member is not null)
            {
                await member.DisposeAsync();
            }
        }

        foreach (var options in _options)
        {
            options.Certificate.Dispose();
        }

        ClientCertificate.Dispose();
        Ca.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
