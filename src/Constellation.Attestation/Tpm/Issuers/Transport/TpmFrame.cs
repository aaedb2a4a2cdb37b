using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>Reads one TPM response frame (10-byte header with the total size, then the rest) from a stream.</summary>
internal static class TpmFrame
{
    public const int HeaderSize = 10;

    // The largest response a PC-client TPM produces is far below this; it bounds allocation on garbage input.
    private const int MaxResponseSize = 64 * 1024;

    public static async ValueTask<byte[]> ReadResponseAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        await ReadExactlyAsync(stream, header, source, cancellationToken).ConfigureAwait(false);
        var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
        if (size < HeaderSize || size > MaxResponseSize)
        {
            throw new TpmTransportException($"{source}: response size: expected {HeaderSize}..{MaxResponseSize} bytes, got {size}");
        }

        var response = new byte[size];
        header.CopyTo(response, 0);
        await ReadExactlyAsync(stream, response.AsMemory(HeaderSize), source, cancellationToken).ConfigureAwait(false);
        return response;
    }

    private static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, string source, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new TpmTransportException($"{source}: the TPM closed the connection in the middle of a response", ex);
        }
        catch (IOException ex)
        {
            throw new TpmTransportException($"{source}: reading the response failed: {ex.Message}", ex);
        }
    }
}
