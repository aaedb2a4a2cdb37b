using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Etcdserverpb;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>
/// One etcd member of the cluster store, run as a supervised child process (restarted when it dies) with its own data
/// directory, client and peer URL, and mutual TLS on both with certificates from the cluster CA: clients and peers
/// must present a certificate the CA issued (<c>--client-cert-auth</c>, <c>--peer-client-cert-auth</c>), and peers
/// must be members (<c>--peer-cert-allowed-cn</c>).
/// </summary>
/// <remarks>
/// Start it as the first member of a new cluster (<see cref="StartNewClusterAsync"/>), as a new member of an existing
/// one (<see cref="JoinAsync"/>: member-add through the existing members, then start with the full member list), or
/// again from its data directory after a reboot (<see cref="RestartAsync"/>). Thread-safe; dispose stops the member
/// and waits until it exited.
/// </remarks>
internal sealed class EtcdMember : IAsyncDisposable
{
    private const string ClusterToken = "constellation";
    private readonly EtcdMemberOptions _options;
    private readonly SupervisedProcess _process;
    private readonly EtcdClusterStore _probe;

    private EtcdMember(EtcdMemberOptions options, string? initialCluster, bool newCluster, ILogger logger)
    {
        _options = options;
        var tls = WriteTls(options);
        var arguments = Arguments(options, tls, initialCluster, newCluster);
        _probe = new EtcdClusterStore(new EtcdStoreOptions
        {
            Endpoints = [options.ClientEndpoint.ToString()],
            ClientCertificate = options.Certificate,
            ClusterCa = options.ClusterCa,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(1),
        });
        _process = new SupervisedProcess(
            $"etcd member {options.Name}",
            () =>
            {
                var start = new ProcessStartInfo(options.Executable);
                foreach (var argument in arguments)
                {
                    start.ArgumentList.Add(argument);
                }

                return start;
            },
            IsReadyAsync,
            options.ReadyTimeout,
            logger);
    }

    /// <summary>Gets the member name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets the client endpoint, <c>IP:port</c>.</summary>
    public string ClientEndpoint => _options.ClientEndpoint.ToString();

    /// <summary>Gets the running etcd's PID, or <see langword="null"/>.</summary>
    public int? ProcessId => _process.ProcessId;

    /// <summary>Gets whether the member answered a linearizable read since it last started.</summary>
    public bool IsReady => _process.IsReady;

    /// <summary>Gets whether <paramref name="options"/>' data directory already holds a member (start it with <see cref="RestartAsync"/>).</summary>
    public static bool HasData(EtcdMemberOptions options) => System.IO.Directory.Exists(Path.Combine(DataDirectory(options), "member"));

    /// <summary>Starts the only member of a new cluster (the init node).</summary>
    public static Task<EtcdMember> StartNewClusterAsync(EtcdMemberOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        RefuseExistingData(options, "start a new cluster");
        return StartAsync(new EtcdMember(options, $"{options.Name}={options.PeerUrl}", newCluster: true, logger), cancellationToken);
    }

    /// <summary>
    /// Adds this member to the cluster <paramref name="existing"/> reaches and starts it with the full member list. If
    /// it does not start, the member is removed again, so the cluster's quorum does not count a member that never ran.
    /// </summary>
    public static async Task<EtcdMember> JoinAsync(EtcdMemberOptions options, EtcdClusterStore existing, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(existing);
        RefuseExistingData(options, "join a cluster");
        var added = await existing.RunAsync(
            $"add member {options.Name} ({options.PeerUrl})",
            (m, o) => m.Cluster.MemberAddAsync(new MemberAddRequest { PeerURLs = { options.PeerUrl } }, o).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        var initialCluster = string.Join(",", added.Members.SelectMany(m =>
            m.PeerURLs.Select(url => $"{(m.ID == added.Member.ID ? options.Name : m.Name)}={url}")));
        try
        {
            return await StartAsync(new EtcdMember(options, initialCluster, newCluster: false, logger), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClusterException or OperationCanceledException)
        {
            await existing.RunAsync(
                $"remove member {options.Name} after its failed start",
                (m, o) => m.Cluster.MemberRemoveAsync(new MemberRemoveRequest { ID = added.Member.ID }, o).ResponseAsync,
                CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the member again from its data directory (a node reboot); the member list comes from the data.</summary>
    public static Task<EtcdMember> RestartAsync(EtcdMemberOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!HasData(options))
        {
            throw new ClusterException($"etcd member {options.Name}: restart: expected a member in {DataDirectory(options)}, got none (start a new cluster or join one)");
        }

        return StartAsync(new EtcdMember(options, initialCluster: null, newCluster: false, logger), cancellationToken);
    }

    /// <summary>Removes the member named <paramref name="name"/> from the cluster (a control-plane node leaves for good).</summary>
    /// <returns><see langword="true"/> if it was a member.</returns>
    public static async Task<bool> RemoveAsync(EtcdClusterStore store, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var list = await store.RunAsync("list members", (m, o) => m.Cluster.MemberListAsync(new MemberListRequest { Linearizable = true }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        var member = list.Members.FirstOrDefault(m => m.Name == name);
        if (member is null)
        {
            return false;
        }

        await store.RunAsync($"remove member {name}", (m, o) => m.Cluster.MemberRemoveAsync(new MemberRemoveRequest { ID = member.ID }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Lists the member names.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(EtcdClusterStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var list = await store.RunAsync("list members", (m, o) => m.Cluster.MemberListAsync(new MemberListRequest { Linearizable = true }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return [.. list.Members.Select(m => m.Name).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        await _probe.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<EtcdMember> StartAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        try
        {
            await member._process.StartAsync(cancellationToken).ConfigureAwait(false);
            return member;
        }
        catch
        {
            await member.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<bool> IsReadyAsync(Process process, CancellationToken cancellationToken)
    {
        try
        {
            await _probe.GetAsync(StoreKeys.Root, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ClusterException)
        {
            return false;
        }
    }

    private static string DataDirectory(EtcdMemberOptions options) => Path.Combine(options.Directory, "data");

    private static void RefuseExistingData(EtcdMemberOptions options, string what)
    {
        if (HasData(options))
        {
            throw new ClusterException($"etcd member {options.Name}: {what}: expected an empty data directory {DataDirectory(options)}, got an existing member (restart it instead)");
        }
    }

    private static (string Certificate, string Key, string Ca) WriteTls(EtcdMemberOptions options)
    {
        var tls = Path.Combine(options.Directory, "tls");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("etcd members run on Linux nodes");
        }

        // Owner only: the member's private key lives here.
        System.IO.Directory.CreateDirectory(tls, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var files = (Path.Combine(tls, "member.crt"), Path.Combine(tls, "member.key"), Path.Combine(tls, "ca.crt"));
        AtomicFile.Replace(files.Item1, Encoding.ASCII.GetBytes(options.Certificate.ExportCertificatePem()), AtomicFile.OwnerOnly);
        using (var key = options.Certificate.GetECDsaPrivateKey() ?? throw new ArgumentException($"etcd member {options.Name}: expected a certificate with an ECDSA private key", nameof(options)))
        {
            AtomicFile.Replace(files.Item2, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), AtomicFile.OwnerOnly);
        }

        AtomicFile.Replace(files.Item3, Encoding.ASCII.GetBytes(options.ClusterCa.ExportCertificatePem()), AtomicFile.OwnerOnly);
        return files;
    }

    private static List<string> Arguments(EtcdMemberOptions options, (string Certificate, string Key, string Ca) tls, string? initialCluster, bool newCluster)
    {
        List<string> arguments =
        [
            "--name", options.Name,
            "--data-dir", DataDirectory(options),
            "--listen-client-urls", options.ClientUrl,
            "--advertise-client-urls", options.ClientUrl,
            "--listen-peer-urls", options.PeerUrl,
            "--initial-advertise-peer-urls", options.PeerUrl,
            "--cert-file", tls.Certificate,
            "--key-file", tls.Key,
            "--trusted-ca-file", tls.Ca,
            "--client-cert-auth",
            "--peer-cert-file", tls.Certificate,
            "--peer-key-file", tls.Key,
            "--peer-trusted-ca-file", tls.Ca,
            "--peer-client-cert-auth",
            "--peer-cert-allowed-cn", EtcdStoreOptions.MemberCommonName,
            "--logger", "zap",
            "--log-level", "warn",
        ];
        if (initialCluster is not null)
        {
            arguments.AddRange(["--initial-cluster", initialCluster, "--initial-cluster-state", newCluster ? "new" : "existing", "--initial-cluster-token", ClusterToken]);
        }

        return arguments;
    }
}
