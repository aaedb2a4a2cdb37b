using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Vpn;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The node's place in the cluster VPN while the bootstrapper runs: a <see cref="VpnAgent"/> authenticated with the
/// node's kubelet certificate (from its ticket, or self-issued on the node that initialised the cluster), the WireGuard
/// key under <c>&lt;StateDirectory&gt;/vpn</c>, and a count of the peers it has a handshake with, refreshed every poll
/// interval for the status file.
/// </summary>
internal sealed partial class NodeVpn : IAsyncDisposable
{
    private readonly VpnAgent _agent;
    private readonly X509Certificate2 _node;
    private readonly X509Certificate2 _ca;
    private readonly CancellationTokenSource _stopping = new();
    private Task _counting = Task.CompletedTask;
    private int _peers;

    private NodeVpn(VpnAgent agent, X509Certificate2 node, X509Certificate2 ca)
    {
        _agent = agent;
        _node = node;
        _ca = ca;
    }

    /// <summary>Gets the node's VPN address.</summary>
    public IPAddress Address => _agent.VpnAddress;

    /// <summary>Gets how many peers the node had a WireGuard handshake with at the last count.</summary>
    public int Peers => Volatile.Read(ref _peers);

    /// <summary>Starts the agent against the control planes' VPN APIs (tried in turn).</summary>
    /// <exception cref="VpnException">The interface cannot be made or no VPN API accepted the node.</exception>
    /// <exception cref="IOException">The node's certificate files are missing.</exception>
    public static async Task<NodeVpn> StartAsync(
        BootstrapperDaemonSettings settings, IReadOnlyList<string> apiEndpoints, ILogger logger, Action changed, CancellationToken cancellationToken)
    {
        var (node, ca) = await KubeletFiles.ReadAsync(settings.StateDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            var options = new VpnAgentOptions
            {
                KeyDirectory = Path.Combine(settings.StateDirectory, "vpn"),
                PublicEndpoint = $"{settings.ListenAddress}:{settings.VpnPort.ToString(CultureInfo.InvariantCulture)}",
                PollInterval = settings.VpnPollInterval,
            };
            options.Interface.Name = settings.VpnInterface;
            options.Interface.ListenPort = settings.VpnPort;
            foreach (var endpoint in apiEndpoints)
            {
                options.ApiEndpoints.Add(endpoint);
            }

            var agent = await VpnAgent.StartAsync(options, VpnApiIdentity.CreateClientChannels(node, ca), logger, cancellationToken).ConfigureAwait(false);
            var vpn = new NodeVpn(agent, node, ca);
            vpn._counting = Task.Run(() => vpn.CountAsync(settings.VpnPollInterval, changed, logger, vpn._stopping.Token), CancellationToken.None);
            return vpn;
        }
        catch
        {
            node.Dispose();
            ca.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _counting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await _agent.DisposeAsync().ConfigureAwait(false);
        _node.Dispose();
        _ca.Dispose();
        _stopping.Dispose();
    }

    private async Task CountAsync(TimeSpan interval, Action changed, ILogger logger, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var peers = await _agent.GetHandshakeCountAsync(cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _peers, peers) != peers)
                {
                    changed();
                }
            }
            catch (VpnException ex)
            {
                LogCountFailed(logger, ex.Message);
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "VPN: counting the WireGuard handshakes failed: {Error}")]
    private static partial void LogCountFailed(ILogger logger, string error);
}
