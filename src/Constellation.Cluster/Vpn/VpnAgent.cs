using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Protos.Vpn;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// A node's side of the VPN: loads (or on first start creates) the node's WireGuard key pair, creates its interface,
/// publishes its public key and endpoint through the VPN API with the node certificate, takes the VPN address it is
/// given, and then polls <c>GetUpdate</c> with the last version it knows every <see cref="VpnAgentOptions.PollInterval"/>,
/// applying every changed peer list to the interface.
/// </summary>
/// <remarks>
/// Thread-safe for reading its state. A failed poll is logged and retried on the next VPN API endpoint at the next
/// interval (the interface keeps its last peers). Dispose stops polling and removes the interface; the key file stays.
/// </remarks>
public sealed partial class VpnAgent : IAsyncDisposable
{
    private readonly VpnAgentOptions _options;
    private readonly IGrpcChannelFactory _channels;
    private readonly ILogger _logger;
    private readonly WireGuardKeyPair _keys;
    private readonly WireGuardInterface _interface;
    private readonly Dictionary<string, GrpcChannel> _open = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string[] _endpoints;
    private Task _polling = Task.CompletedTask;
    private int _current;
    private long _version;
    private IPAddress _address = IPAddress.None;
    private int _disposed;

    private VpnAgent(VpnAgentOptions options, string[] endpoints, IGrpcChannelFactory channels, ILogger logger, WireGuardKeyPair keys, WireGuardInterface wireGuard)
    {
        _options = options;
        _endpoints = endpoints;
        _channels = channels;
        _logger = logger;
        _keys = keys;
        _interface = wireGuard;
    }

    /// <summary>Gets the node's WireGuard public key.</summary>
    public string PublicKey => _keys.PublicKey;

    /// <summary>Gets the node's VPN address (given by the VPN API at publish).</summary>
    public IPAddress VpnAddress => Volatile.Read(ref _address);

    /// <summary>Gets the version of the peer list last applied to the interface.</summary>
    public long PeerListVersion => Interlocked.Read(ref _version);

    /// <summary>Gets the node's WireGuard interface.</summary>
    public WireGuardInterface Interface => _interface;

    /// <summary>Starts the agent: key pair, interface, publish, first peer list; then polls in the background.</summary>
    /// <param name="options">The settings (read at start).</param>
    /// <param name="apiChannels">Channels to the VPN API with the node's certificate (<see cref="VpnApiIdentity.CreateClientChannels"/>).</param>
    /// <param name="logger">Receives the agent's lines (public keys and addresses, never private keys).</param>
    /// <param name="cancellationToken">Cancels the start (the interface is removed).</param>
    /// <returns>The running agent.</returns>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="VpnException">The key file is unusable, the interface cannot be created, or every VPN API endpoint refused or failed.</exception>
    public static async Task<VpnAgent> StartAsync(VpnAgentOptions options, IGrpcChannelFactory apiChannels, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apiChannels);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(options.KeyDirectory);
        if (!VpnEndpoint.IsValid(options.PublicEndpoint, out var problem))
        {
            throw new ArgumentException($"{nameof(options.PublicEndpoint)}: expected IPv4:port, got \"{options.PublicEndpoint}\" ({problem})", nameof(options));
        }

        if (options.ApiEndpoints.Count == 0)
        {
            throw new ArgumentException($"{nameof(options.ApiEndpoints)}: expected at least one VPN API endpoint, got none", nameof(options));
        }

        if (options.PollInterval <= TimeSpan.Zero || options.CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(options.PollInterval)} and {nameof(options.CallTimeout)}: expected positive, got {options.PollInterval} and {options.CallTimeout}", nameof(options));
        }

        var keys = await WireGuardKeyPair.LoadOrCreateAsync(options.KeyDirectory, cancellationToken).ConfigureAwait(false);
        WireGuardInterface? wireGuard = null;
        VpnAgent? agent = null;
        try
        {
            wireGuard = await WireGuardInterface.CreateAsync(
                options.Interface, WireGuardKeyPair.PrivateKeyPath(options.KeyDirectory), logger, cancellationToken).ConfigureAwait(false);
            agent = new VpnAgent(options, [.. options.ApiEndpoints], apiChannels, logger, keys, wireGuard);
            await agent.PublishAsync(cancellationToken).ConfigureAwait(false);
            await agent.PollOnceAsync(cancellationToken).ConfigureAwait(false);
            agent._polling = Task.Run(() => agent.PollAsync(agent._stopping.Token), CancellationToken.None);
            return agent;
        }
        catch
        {
            if (agent is not null)
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (wireGuard is not null)
                {
                    await wireGuard.DisposeAsync().ConfigureAwait(false);
                }

                keys.Dispose();
            }

            throw;
        }
    }

    /// <summary>Counts the peers with which a WireGuard handshake has completed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of peers with a latest handshake.</returns>
    /// <exception cref="VpnException"><c>wg</c> failed.</exception>
    public async Task<int> GetHandshakeCountAsync(CancellationToken cancellationToken = default) =>
        (await _interface.GetHandshakesAsync(cancellationToken).ConfigureAwait(false)).Count(p => p.LatestHandshake is not null);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _polling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await _interface.DisposeAsync().ConfigureAwait(false);
        lock (_open)
        {
            foreach (var channel in _open.Values)
            {
                channel.Dispose();
            }

            _open.Clear();
        }

        _keys.Dispose();
        _stopping.Dispose();
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var i = 0; i < _endpoints.Length; i++)
        {
            var endpoint = _endpoints[(_current + i) % _endpoints.Length];
            try
            {
                var response = await Client(endpoint).PublishAsync(
                    new PublishRequest { VpnPubKey = _keys.PublicKey, PublicEndpoint = _options.PublicEndpoint },
                    deadline: DateTime.UtcNow + _options.CallTimeout,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!IPAddress.TryParse(response.VpnIp, out var address) || !_options.AddressPool.IsHostAddress(address))
                {
                    throw new VpnException($"VPN API {endpoint}: expected a VPN address in {_options.AddressPool.Prefix}, got \"{response.VpnIp}\"");
                }

                await _interface.SetAddressAsync(address, _options.AddressPool.Prefix.PrefixLength, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _address, address);
                _current = (_current + i) % _endpoints.Length;
                LogPublished(_logger, endpoint, _keys.PublicKey, _options.PublicEndpoint, address);
                return;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{endpoint}: {ex.StatusCode} {ex.Status.Detail}");
            }
        }

        throw new VpnException($"VPN publish: expected one of {_endpoints.Length} VPN API endpoints to accept it, got {string.Join("; ", failures)}");
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or VpnException && !cancellationToken.IsCancellationRequested)
            {
                var failed = _endpoints[_current];
                _current = (_current + 1) % _endpoints.Length;
                LogPollFailed(_logger, failed, ex.Message, _endpoints[_current]);
            }
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var endpoint = _endpoints[_current];
        var known = PeerListVersion;
        var restarted = _interface.IsReconfigurationPending;
        var response = await Client(endpoint).GetUpdateAsync(
            new GetUpdateRequest { ResourceVersion = restarted ? 0 : known },
            deadline: DateTime.UtcNow + _options.CallTimeout,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.Changed)
        {
            return;
        }

        var peers = new List<VpnPeer>();
        foreach (var peer in response.Peers)
        {
            // The API checked what nodes published; a peer this node cannot use is skipped, not fatal for the others.
            if (!WireGuardKeyPair.IsKeyText(peer.VpnPubKey) || !VpnEndpoint.IsValid(peer.PublicEndpoint, out _) ||
                !IPAddress.TryParse(peer.VpnIp, out var address) || !_options.AddressPool.IsHostAddress(address))
            {
                LogPeerSkipped(_logger, peer.NodeName, endpoint);
                continue;
            }

            peers.Add(new VpnPeer(peer.NodeName, peer.VpnPubKey, peer.PublicEndpoint, address));
        }

        var list = new VpnPeerList(response.ResourceVersion, peers);
        await _interface.ApplyPeersAsync(list, _keys.PublicKey, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _version, response.ResourceVersion);
        if (!peers.Any(p => p.PublicKey == _keys.PublicKey))
        {
            LogSelfMissing(_logger, response.ResourceVersion);
        }
    }

    private API.APIClient Client(string endpoint)
    {
        lock (_open)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0 && _open.Count == 0, this);
            if (!_open.TryGetValue(endpoint, out var channel))
            {
                channel = _channels.CreateChannel(endpoint);
                _open[endpoint] = channel;
            }

            return new API.APIClient(channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "VPN: published public key {PublicKey} at {Endpoint} through {Api}; VPN address {Address}")]
    private static partial void LogPublished(ILogger logger, string api, string publicKey, string endpoint, IPAddress address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VPN: polling {Api} failed ({Error}); next poll goes to {Next}")]
    private static partial void LogPollFailed(ILogger logger, string api, string error, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VPN: skipped peer {Node} from {Api}: its key, endpoint or address is malformed")]
    private static partial void LogPeerSkipped(ILogger logger, string node, string api);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VPN: peer list version {Version} does not list this node (removed from the cluster?)")]
    private static partial void LogSelfMissing(ILogger logger, long version);
}
