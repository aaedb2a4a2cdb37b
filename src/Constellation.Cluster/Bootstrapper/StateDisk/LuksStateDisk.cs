using System;
using System.Globalization;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// A LUKS2 state disk managed with Debian's <c>cryptsetup</c>: formatted with the disk key on first use
/// (<c>luksFormat</c>), on later boots the key is proven with <c>open --test-passphrase</c> before the disk is mapped.
/// </summary>
/// <remarks>
/// Operations are serialised. Keys go to cryptsetup on stdin and are never logged or put on a command line; messages
/// name the disk by its device path and UUID fingerprint, never by its UUID. The node state is kept sealed in a LUKS2
/// token of the header (<see cref="SealedNodeState"/>). Dispose (or <see cref="CloseAsync"/>) closes a mapping this
/// instance opened.
/// </remarks>
public sealed class LuksStateDisk : IStateDisk, IDisposable, IAsyncDisposable
{
    private readonly LuksStateDiskOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _formatted;
    private bool _disposed;

    private LuksStateDisk(LuksStateDiskOptions options, string uuid, bool formatted)
    {
        _options = options;
        Uuid = uuid;
        _formatted = formatted;
    }

    /// <inheritdoc />
    public string Uuid { get; }

    /// <inheritdoc />
    public bool IsFormatted => Volatile.Read(ref _formatted);

    /// <summary>Gets the mapped device path once <see cref="SetKeyAsync"/> has mapped the disk, else <see langword="null"/>.</summary>
    public string? MappedPath { get; private set; }

    /// <summary>Opens the disk: reads the UUID of an existing LUKS2 header, or picks a fresh UUID for the first format.</summary>
    /// <param name="options">The disk options.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The disk.</returns>
    /// <exception cref="StateDiskException">The device does not exist or cryptsetup cannot read it.</exception>
    public static async Task<LuksStateDisk> OpenAsync(LuksStateDiskOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.DevicePath);
        if (!System.IO.File.Exists(options.DevicePath))
        {
            throw new StateDiskException($"state disk {options.DevicePath}: no such device or image file");
        }

        var isLuks = await Cryptsetup.RunAsync(options.CryptsetupPath, ["isLuks", "--type", "luks2", options.DevicePath], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (isLuks.ExitCode != 0)
        {
            return new LuksStateDisk(options, StateDiskUuid.NewRandom().Value, formatted: false);
        }

        var uuid = await Cryptsetup.RunAsync(options.CryptsetupPath, ["luksUUID", options.DevicePath], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (uuid.ExitCode != 0 || !Guid.TryParse(uuid.StandardOutput.Trim(), out var parsed))
        {
            throw new StateDiskException($"state disk {options.DevicePath}: cryptsetup luksUUID failed (exit {uuid.ExitCode}): {uuid.StandardError.Trim()}");
        }

        // The node sends the UUID lower-cased; the key is derived from exactly that string.
        return new LuksStateDisk(options, parsed.ToString("D"), formatted: true);
    }

    /// <inheritdoc />
    public async Task SetKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_formatted)
            {
                await FormatAsync(diskKey, cancellationToken).ConfigureAwait(false);
            }

            if (!await TestKeyCoreAsync(diskKey, cancellationToken).ConfigureAwait(false))
            {
                throw new StateDiskException($"state disk {_options.DevicePath} ({Fingerprint}): the disk key does not unlock the LUKS2 header");
            }

            if (_options.MapAfterUnlock && MappedPath is null)
            {
                MappedPath = await MapAsync(diskKey, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> TestKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _formatted && await TestKeyCoreAsync(diskKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task WriteNodeStateAsync(NodeState state, ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_formatted || !await TestKeyCoreAsync(diskKey, cancellationToken).ConfigureAwait(false))
            {
                throw new StateDiskException($"state disk {_options.DevicePath} ({Fingerprint}): writing the node state: expected a LUKS2 disk the key unlocks, got {(_formatted ? "a key that does not unlock it" : "no LUKS2 header")}");
            }

            var existing = await FindNodeStateTokenAsync(cancellationToken).ConfigureAwait(false);
            string[] arguments = existing is { } id
                ? ["token", "import", "--token-id", id.ToString(CultureInfo.InvariantCulture), "--token-replace", _options.DevicePath]
                : ["token", "import", _options.DevicePath];
            var result = await Cryptsetup.RunAsync(_options.CryptsetupPath, arguments, SealedNodeState.Seal(state, diskKey.Span, Uuid), cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup token import failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<NodeState> ReadNodeStateAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await FindNodeStateTokenAsync(cancellationToken).ConfigureAwait(false) is not { } id)
            {
                throw new StateDiskException($"state disk {_options.DevicePath} ({Fingerprint}): expected a node state in the LUKS2 header, got none (the node never finished init or join)");
            }

            var result = await Cryptsetup.RunAsync(
                _options.CryptsetupPath, ["token", "export", "--token-id", id.ToString(CultureInfo.InvariantCulture), _options.DevicePath], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup token export failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            }

            return SealedNodeState.Open(Encoding.UTF8.GetBytes(result.StandardOutput), diskKey.Span, Uuid);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the device-mapper mapping if this instance opened one (<c>cryptsetup close</c>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the mapping is closed.</returns>
    /// <exception cref="StateDiskException">cryptsetup could not close the mapping (e.g. it is still in use).</exception>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (MappedPath is null)
            {
                return;
            }

            var result = await Cryptsetup.RunAsync(_options.CryptsetupPath, ["close", _options.MappingName], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup close {_options.MappingName} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            }

            MappedPath = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Closes a mapping this instance opened; use <see cref="DisposeAsync"/> where possible.</remarks>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _disposed = true;
            _gate.Dispose();
        }
    }

    private string Fingerprint => StateDiskUuid.Parse(Uuid).Fingerprint;

    // The node state token is found by its type, so other tokens (e.g. systemd-cryptenroll's) are left alone.
    private async Task<int?> FindNodeStateTokenAsync(CancellationToken cancellationToken)
    {
        var result = await Cryptsetup.RunAsync(_options.CryptsetupPath, ["luksDump", "--dump-json-metadata", _options.DevicePath], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup luksDump failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        try
        {
            using var metadata = JsonDocument.Parse(result.StandardOutput);
            var ids = metadata.RootElement.GetProperty("tokens").EnumerateObject()
                .Where(t => t.Value.TryGetProperty("type", out var type) && type.ValueEquals(SealedNodeState.TokenType))
                .Select(t => int.Parse(t.Name, NumberStyles.None, CultureInfo.InvariantCulture))
                .ToList();
            return ids.Count switch
            {
                0 => null,
                1 => ids[0],
                _ => throw new StateDiskException($"state disk {_options.DevicePath}: expected one {SealedNodeState.TokenType} token, got {ids.Count}"),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup luksDump: expected the LUKS2 JSON metadata, got something else ({ex.Message})", ex);
        }
    }

    private async Task FormatAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken)
    {
        var result = await Cryptsetup.RunAsync(
            _options.CryptsetupPath,
            [
                "luksFormat", "--batch-mode", "--type", "luks2", "--uuid", Uuid,
                "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", _options.Pbkdf2Iterations.ToString(CultureInfo.InvariantCulture),
                "--hash", "sha256", "--key-file", "-", _options.DevicePath,
            ],
            diskKey,
            cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup luksFormat failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        Volatile.Write(ref _formatted, true);
    }

    private async Task<bool> TestKeyCoreAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken)
    {
        var result = await Cryptsetup.RunAsync(
            _options.CryptsetupPath, ["open", "--test-passphrase", "--key-file", "-", _options.DevicePath], diskKey, cancellationToken).ConfigureAwait(false);
        return result.ExitCode switch
        {
            0 => true,
            // cryptsetup: exit 2 = no key available with this passphrase.
            2 => false,
            _ => throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup open --test-passphrase failed (exit {result.ExitCode}): {result.StandardError.Trim()}"),
        };
    }

    private async Task<string> MapAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken)
    {
        var result = await Cryptsetup.RunAsync(
            _options.CryptsetupPath, ["open", "--type", "luks2", "--key-file", "-", _options.DevicePath, _options.MappingName], diskKey, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new StateDiskException($"state disk {_options.DevicePath}: cryptsetup open (mapping to /dev/mapper/{_options.MappingName}) failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        return "/dev/mapper/" + _options.MappingName;
    }
}
