using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Vpn;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>
/// A VPN of real WireGuard: the VPN API on loopback, one namespace per node on a bridged underlay, and one
/// <see cref="VpnAgent"/> per node whose interface lives in its node's namespace. Dispose removes everything.
/// </summary>
internal sealed class VpnTestCluster : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    private readonly string _root;
    private readonly List<X509Certificate2> _certificates = [];

    private VpnTestCluster(UnderlayNetwork network, VpnApiServer api, ILoggerFactory loggerFactory, CapturingLoggerProvider log, string root)
    {
        Network = network;
        Api = api;
        LoggerFactory = loggerFactory;
        Log = log;
        _root = root;
    }

    public UnderlayNetwork Network { get; }

    public VpnApiServer Api { get; }

    public ILoggerFactory LoggerFactory { get; }

    public CapturingLoggerProvider Log { get; }

    public List<VpnAgent?> Agents { get; } = [];

    public static async Task<VpnTestCluster> StartAsync(int nodes)
    {
        var loggerFactory = CapturingLoggerProvider.CreateFactory(out var log);
        var network = UnderlayNetwork.Create(nodes);
        VpnApiServer? api = null;
        VpnTestCluster? cluster = null;
        try
        {
            api = await VpnApiServer.StartAsync(loggerFactory);
            cluster = new VpnTestCluster(network, api, loggerFactory, log, Path.Combine(Path.GetTempPath(), "vpn-" + network.Prefix));
            for (var i = 0; i < nodes; i++)
            {
                cluster.Agents.Add(await cluster.StartAgentAsync(i));
            }

            await cluster.WaitConvergedAsync();
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                if (api is not null)
                {
                    await api.DisposeAsync();
                }

                network.Dispose();
                loggerFactory.Dispose();
            }

            throw;
        }
    }

    public static string NodeName(int index) => $"node-{index}";

    public string KeyDirectory(int index) => Path.Combine(_root, NodeName(index));

    /// <summary>Starts node <paramref name="index"/>'s agent (its key directory survives restarts).</summary>
    public Task<VpnAgent> StartAgentAsync(int index) => StartAgentAsync(index, [Api.Address], NodeCertificates.Kubelet(Api.Ca, NodeName(index)));

    /// <summary>Starts node <paramref name="index"/>'s agent with the given VPN API endpoints and node certificate (disposed with the cluster).</summary>
    public async Task<VpnAgent> StartAgentAsync(int index, IEnumerable<string> apiEndpoints, X509Certificate2 certificate)
    {
        _certificates.Add(certificate);
        var options = new VpnAgentOptions
        {
            KeyDirectory = KeyDirectory(index),
            PublicEndpoint = UnderlayNetwork.UnderlayAddress(index) + ":51820",
            PollInterval = PollInterval,
        };
        options.Interface.Name = Network.WireGuardName(index);
        options.Interface.ListenPort = 51820;
        options.Interface.NetworkNamespace = Network.Nodes[index];
        foreach (var endpoint in apiEndpoints)
        {
            options.ApiEndpoints.Add(endpoint);
        }

        return await VpnAgent.StartAsync(options, Api.NodeChannels(certificate), LoggerFactory.CreateLogger($"node {index}"));
    }

    /// <summary>Waits until every running agent has applied the directory's current peer list.</summary>
    public async Task WaitConvergedAsync()
    {
        var current = (await Api.Directory.GetPeersAsync()).Version;
        await EventuallyAsync(() => Task.FromResult(Agents.All(a => a is null || a.PeerListVersion == current)), $"every node to apply peer list version {current}");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails with <paramref name="what"/> otherwise.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (bound.IsCancellationRequested)
            {
                Assert.Fail($"expected {what} within 60 s, got it not");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents)
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }

        Agents.Clear();
        await Api.DisposeAsync();
        Network.Dispose();
        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        LoggerFactory.Dispose();
    }
}
