using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// One WireGuard interface of a node: the kernel's if <c>ip link add … type wireguard</c> works, else
/// <c>wireguard-go -f</c> kept running as a supervised child. Configured with <c>wg set</c> (the private key by the
/// path of its 0600 file, never on a command line) and addressed with <c>ip</c>, in the caller's network namespace
/// (or <see cref="WireGuardInterfaceOptions.NetworkNamespace"/>).
/// </summary>
/// <remarks>
/// Calls are serialised (one configuration change at a time); safe to use from several threads. Dispose removes the
/// interface and stops <c>wireguard-go</c>. If <c>wireguard-go</c> dies it is restarted, and the next
/// <see cref="ApplyPeersAsync"/> configures the new interface from scratch (key, port, address, peers).
/// </remarks>
public sealed partial class WireGuardInterface : IAsyncDisposable
{
    /// <summary>The persistent keepalive of every peer, in seconds: handshakes happen without traffic and NAT mappings stay open.</summary>
    public const int PersistentKeepaliveSeconds = 25;

    private readonly WireGuardInterfaceOptions _options;
    private readonly WireGuardTools _tools;
    private readonly string _privateKeyFile;
    private readonly SupervisedProcess? _userspace;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;
    private (IPAddress Address, int PrefixLength)? _address;
    private int _reconfigure;
    private int _disposed;

    private WireGuardInterface(WireGuardInterfaceOptions options, WireGuardTools tools, string privateKeyFile, SupervisedProcess? userspace, ILogger logger)
    {
        _options = options;
        _tools = tools;
        _privateKeyFile = privateKeyFile;
        _userspace = userspace;
        _logger = logger;
    }

    /// <summary>Gets the interface name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets whether the interface is <c>wireguard-go</c>'s (user space) rather than the kernel's.</summary>
    public bool IsUserspace => _userspace is not null;

    /// <summary>Gets the PID of <c>wireguard-go</c> while it runs (user-space interfaces only).</summary>
    internal int? ProcessId => _userspace?.ProcessId;

    /// <summary>Gets whether <c>wireguard-go</c> was restarted since the last change, so its peers must be applied again.</summary>
    public bool IsReconfigurationPending => Volatile.Read(ref _reconfigure) != 0;

    /// <summary>Creates the interface with the node's private key and listen port (no address, no peers, down).</summary>
    /// <param name="options">Name, port, namespace and tool paths (copied).</param>
    /// <param name="privateKeyFile">The node's private key file, mode 0600 (<see cref="WireGuardKeyPair.PrivateKeyPath"/>).</param>
    /// <param name="logger">Receives interface lines (never keys).</param>
    /// <param name="cancellationToken">Cancels the creation (what was created is removed).</param>
    /// <returns>The interface.</returns>
    /// <exception cref="ArgumentException">The name is empty, longer than 15 characters or has characters outside <c>[a-zA-Z0-9_-]</c>, or the port is outside 1–65535.</exception>
    /// <exception cref="VpnException">The interface could not be created or configured.</exception>
    public static async Task<WireGuardInterface> CreateAsync(
        WireGuardInterfaceOptions options, string privateKeyFile, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(privateKeyFile);
        ArgumentNullException.ThrowIfNull(logger);
        var copy = new WireGuardInterfaceOptions
        {
            Name = options.Name,
            ListenPort = options.ListenPort,
            NetworkNamespace = options.NetworkNamespace,
            IpPath = options.IpPath,
            WgPath = options.WgPath,
            WireGuardGoPath = options.WireGuardGoPath,
            SocketDirectory = options.SocketDirectory,
        };
        if (string.IsNullOrEmpty(copy.Name) || copy.Name.Length > WireGuardInterfaceOptions.MaxNameLength || !InterfaceName().IsMatch(copy.Name))
        {
            throw new ArgumentException($"{nameof(options.Name)}: expected 1 to {WireGuardInterfaceOptions.MaxNameLength} characters of [a-zA-Z0-9_-], got \"{copy.Name}\"", nameof(options));
        }

        if (copy.ListenPort is < 1 or > 65535)
        {
            throw new ArgumentException($"{nameof(options.ListenPort)}: expected 1 to 65535, got {copy.ListenPort}", nameof(options));
        }

        if (!File.Exists(privateKeyFile))
        {
            throw new VpnException($"WireGuard interface {copy.Name}: expected the private key file {privateKeyFile}, got no such file");
        }

        var tools = new WireGuardTools(copy);
        var kernel = await tools.TryRunAsync(copy.IpPath, ["link", "add", copy.Name, "type", "wireguard"], cancellationToken).ConfigureAwait(false);
        SupervisedProcess? userspace = null;
        WireGuardInterface? created = null;
        try
        {
            if (kernel.ExitCode != 0)
            {
                var reason = kernel.StandardError.Trim();
                LogUserspace(logger, copy.Name, reason);
                var socket = Path.Combine(copy.SocketDirectory, copy.Name + ".sock");
                userspace = new SupervisedProcess(
                    $"wireguard-go {copy.Name}",
                    () => tools.StartInfo(copy.WireGuardGoPath, ["-f", copy.Name]),
                    (_, token) => ControlSocketAnswersAsync(socket, token),
                    TimeSpan.FromSeconds(10),
                    logger,
                    ready => OnUserspaceChanged(created, ready));
                await userspace.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            created = new WireGuardInterface(copy, tools, privateKeyFile, userspace, logger);
            await created.ConfigureDeviceAsync(cancellationToken).ConfigureAwait(false);
            LogCreated(logger, copy.Name, copy.ListenPort, userspace is null ? "kernel" : "wireguard-go");
            return created;
        }
        catch
        {
            if (created is not null)
            {
                await created.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (userspace is not null)
                {
                    await userspace.DisposeAsync().ConfigureAwait(false);
                }

                await tools.TryRunAsync(copy.IpPath, ["link", "del", copy.Name], CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Gives the interface its VPN address and sets it up.</summary>
    /// <param name="address">The node's VPN address.</param>
    /// <param name="prefixLength">The VPN prefix length (routes the whole VPN through the interface).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the interface is up.</returns>
    /// <exception cref="VpnException"><c>ip</c> refused.</exception>
    public async Task SetAddressAsync(IPAddress address, int prefixLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReconfigureIfRestartedAsync(cancellationToken).ConfigureAwait(false);
            _address = (address, prefixLength);
            await ApplyAddressAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Replaces the interface's whole peer set with <paramref name="peers"/> except the node itself: peers no longer
    /// listed are removed; every listed one gets its endpoint, allowed IPs = its VPN address /32 and a persistent
    /// keepalive of <see cref="PersistentKeepaliveSeconds"/> s.
    /// </summary>
    /// <param name="peers">The cluster's peer list.</param>
    /// <param name="selfPublicKey">This node's public key (skipped).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the peers are set.</returns>
    /// <exception cref="VpnException"><c>wg</c> refused (e.g. an endpoint it cannot parse).</exception>
    public async Task ApplyPeersAsync(VpnPeerList peers, string selfPublicKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentException.ThrowIfNullOrEmpty(selfPublicKey);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReconfigureIfRestartedAsync(cancellationToken).ConfigureAwait(false);
            var wanted = peers.Peers.Where(p => p.PublicKey != selfPublicKey).ToList();
            var current = (await _tools.WgAsync(cancellationToken, "show", Name, "peers").ConfigureAwait(false))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var arguments = new List<string> { "set", Name };
            var removed = 0;
            foreach (var key in current.Except(wanted.Select(p => p.PublicKey), StringComparer.Ordinal))
            {
                arguments.AddRange(["peer", key, "remove"]);
                removed++;
            }

            foreach (var peer in wanted)
            {
                arguments.AddRange([
                    "peer", peer.PublicKey, "endpoint", peer.Endpoint, "allowed-ips", peer.VpnAddress + "/32",
                    "persistent-keepalive", PersistentKeepaliveSeconds.ToString(CultureInfo.InvariantCulture)]);
            }

            if (arguments.Count > 2)
            {
                await _tools.RunAsync(_options.WgPath, arguments, cancellationToken).ConfigureAwait(false);
            }

            LogPeersApplied(_logger, Name, peers.Version, wanted.Count, removed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads every peer's latest handshake and transfer counters.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per configured peer.</returns>
    /// <exception cref="VpnException"><c>wg</c> refused or printed something unexpected.</exception>
    public async Task<IReadOnlyList<WireGuardPeerStatus>> GetHandshakesAsync(CancellationToken cancellationToken = default)
    {
        // Two narrow queries rather than "dump", whose first line carries the private key.
        var handshakes = ParseColumns(await _tools.WgAsync(cancellationToken, "show", Name, "latest-handshakes").ConfigureAwait(false), 2, "latest-handshakes");
        var transfer = ParseColumns(await _tools.WgAsync(cancellationToken, "show", Name, "transfer").ConfigureAwait(false), 3, "transfer")
            .ToDictionary(t => t[0], StringComparer.Ordinal);
        var result = new List<WireGuardPeerStatus>();
        foreach (var row in handshakes)
        {
            var seconds = ParseNumber(row[1], "latest-handshakes");
            var bytes = transfer.TryGetValue(row[0], out var t) ? (ParseNumber(t[1], "transfer"), ParseNumber(t[2], "transfer")) : (0L, 0L);
            result.Add(new WireGuardPeerStatus(row[0], seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds), bytes.Item1, bytes.Item2));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_userspace is not null)
        {
            // wireguard-go removes its TUN device when it exits.
            await _userspace.DisposeAsync().ConfigureAwait(false);
        }

        var exists = await _tools.TryRunAsync(_options.IpPath, ["link", "show", Name], CancellationToken.None).ConfigureAwait(false);
        if (exists.ExitCode == 0)
        {
            await _tools.TryRunAsync(_options.IpPath, ["link", "del", Name], CancellationToken.None).ConfigureAwait(false);
        }

        LogRemoved(_logger, Name);
        _gate.Dispose();
    }

    private static void OnUserspaceChanged(WireGuardInterface? created, bool ready)
    {
        // A restarted wireguard-go has a fresh, unconfigured device: configure it again on the next change.
        if (ready && created is not null)
        {
            Volatile.Write(ref created._reconfigure, 1);
        }
    }

    private static async ValueTask<bool> ControlSocketAnswersAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static List<string[]> ParseColumns(string output, int columns, string what)
    {
        var rows = new List<string[]>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length != columns)
            {
                throw new VpnException($"wg show {what}: expected {columns} tab-separated columns per line, got {fields.Length}");
            }

            rows.Add(fields);
        }

        return rows;
    }

    private static long ParseNumber(string text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new VpnException($"wg show {what}: expected a number, got \"{text}\"");

    private async Task ConfigureDeviceAsync(CancellationToken cancellationToken) =>
        await _tools.WgAsync(
            cancellationToken, "set", Name, "private-key", _privateKeyFile, "listen-port", _options.ListenPort.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);

    private async Task ApplyAddressAsync(CancellationToken cancellationToken)
    {
        if (_address is not { } a)
        {
            return;
        }

        await _tools.IpAsync(cancellationToken, "address", "replace", $"{a.Address}/{a.PrefixLength}", "dev", Name).ConfigureAwait(false);
        await _tools.IpAsync(cancellationToken, "link", "set", "up", "dev", Name).ConfigureAwait(false);
    }

    private async Task ReconfigureIfRestartedAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reconfigure, 0) == 0)
        {
            return;
        }

        LogReconfiguring(_logger, Name);
        await ConfigureDeviceAsync(cancellationToken).ConfigureAwait(false);
        await ApplyAddressAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex InterfaceName();

    [LoggerMessage(Level = LogLevel.Information, Message = "WireGuard interface {Name}: no kernel WireGuard ({Reason}); starting wireguard-go")]
    private static partial void LogUserspace(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WireGuard interface {Name} created ({Implementation}, listen port {Port})")]
    private static partial void LogCreated(ILogger logger, string name, int port, string implementation);

    [LoggerMessage(Level = LogLevel.Information, Message = "WireGuard interface {Name}: peer list version {Version} applied ({Peers} peers, {Removed} removed)")]
    private static partial void LogPeersApplied(ILogger logger, string name, long version, int peers, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WireGuard interface {Name}: wireguard-go was restarted; configuring the new device")]
    private static partial void LogReconfiguring(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "WireGuard interface {Name} removed")]
    private static partial void LogRemoved(ILogger logger, string name);
}
