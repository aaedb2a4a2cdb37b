using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// A LUKS2 state disk managed with Debian's <c>cryptsetup</c>: formatted with the disk key on first use
/// (<c>luksFormat</c>), on later boots the key is proven with <c>open --test-passphrase</c> before the disk is mapped.
/// </summary>
/// <remarks>Operations are serialised. Keys go to cryptsetup on stdin and are never logged or put on a command line.</remarks>
public sealed class LuksStateDisk : IStateDisk, IDisposable
{
    private readonly LuksStateDiskOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _formatted;

    private LuksStateDisk(LuksStateDiskOptions options, string uuid, bool formatted)
    {
        _options = options;
        Uuid = uuid;
        _formatted = formatted;
    }

    /// <inheritdoc />
    public string Uuid { get; }

    /// <summary>Gets whether the disk carries a LUKS2 header.</summary>
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
                throw new StateDiskException($"state disk {Uuid} ({_options.DevicePath}): the disk key does not unlock the LUKS2 header");
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
    public void Dispose() => _gate.Dispose();

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
