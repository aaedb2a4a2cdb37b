using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>
/// Talks to a Linux TPM character device, by default the resource-managed <c>/dev/tpmrm0</c>: one write per
/// command, one read per response. Not thread-safe.
/// </summary>
public sealed class TpmDeviceTransport : ITpmTransport
{
    /// <summary>The kernel resource manager device.</summary>
    public const string DefaultPath = "/dev/tpmrm0";

    private readonly FileStream _device;
    private readonly string _path;

    private TpmDeviceTransport(FileStream device, string path)
    {
        _device = device;
        _path = path;
    }

    /// <summary>Opens a TPM device.</summary>
    /// <param name="path">The device path.</param>
    /// <returns>The transport.</returns>
    /// <exception cref="TpmTransportException">The device cannot be opened.</exception>
    public static TpmDeviceTransport Open(string path = DefaultPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            // No buffering: the device expects each command in one write and answers one read.
            var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0, FileOptions.None);
            return new TpmDeviceTransport(stream, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TpmTransportException($"{path}: cannot open the TPM device: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        try
        {
            await _device.WriteAsync(command, cancellationToken).ConfigureAwait(false);
            // The kernel returns the whole response in one read of a large enough buffer.
            var buffer = new byte[8192];
            var read = await _device.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read < TpmFrame.HeaderSize)
            {
                throw new TpmTransportException($"{_path}: response: expected at least {TpmFrame.HeaderSize} bytes, got {read}");
            }

            return buffer.AsSpan(0, read).ToArray();
        }
        catch (IOException ex)
        {
            throw new TpmTransportException($"{_path}: command failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _device.DisposeAsync();
}
