using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Protos.Debugd;
using Grpc.Core;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// Receives one uploaded executable into a staging file: the header announces size and SHA-256, the chunks must add up
/// to exactly that size (never more than the cap) and hash to exactly that digest. Anything else deletes the staging
/// file and is a <see cref="DebugdException"/> naming what differed; the running bootstrapper is never touched here.
/// </summary>
internal static class BootstrapperUpload
{
    /// <summary>Receives the upload; returns the verified SHA-256 (lowercase hex). The caller owns (and deletes) the staged file.</summary>
    public static async Task<string> ReceiveAsync(
        IAsyncStreamReader<DeployRequest> requests, string stagingPath, long maxBytes, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw Refused(StatusCode.InvalidArgument, "deploy: expected a header first, got an empty upload");
        }

        if (requests.Current.PartCase != DeployRequest.PartOneofCase.Header)
        {
            throw Refused(StatusCode.InvalidArgument, $"deploy: expected a header first, got {requests.Current.PartCase}");
        }

        var header = requests.Current.Header;
        if (header.Sha256.Length != SHA256.HashSizeInBytes)
        {
            throw Refused(StatusCode.InvalidArgument, $"deploy: header sha256: expected {SHA256.HashSizeInBytes} bytes, got {header.Sha256.Length}");
        }

        if (header.Size > (ulong)maxBytes)
        {
            throw Refused(StatusCode.ResourceExhausted, $"deploy: executable size: expected at most {maxBytes} bytes, got a header announcing {header.Size}");
        }

        if (header.Size == 0)
        {
            throw Refused(StatusCode.InvalidArgument, "deploy: executable size: expected at least 1 byte, got a header announcing 0");
        }

        var expected = Convert.ToHexStringLower(header.Sha256.Span);
        var announced = (long)header.Size;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            // Executable by the owner only: the bootstrapper runs as debugd's user.
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        var file = new FileStream(stagingPath, create);
        await using (file.ConfigureAwait(false))
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                if (requests.Current.PartCase != DeployRequest.PartOneofCase.Chunk)
                {
                    throw Refused(StatusCode.InvalidArgument, $"deploy: expected chunks after the header, got {requests.Current.PartCase}");
                }

                var chunk = requests.Current.Chunk.Memory;
                received += chunk.Length;
                if (received > announced)
                {
                    throw Refused(
                        received > maxBytes ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument,
                        $"deploy: executable size: expected {announced} bytes as announced, got at least {received}");
                }

                hash.AppendData(chunk.Span);
                await file.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            if (received != announced)
            {
                throw Refused(StatusCode.InvalidArgument, $"deploy: truncated upload: expected {announced} bytes, got {received}");
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw Refused(StatusCode.InvalidArgument, $"deploy: executable sha256: expected {expected} as announced, got {actual}");
            }

            // On disk before the rename makes it the node's bootstrapper.
            file.Flush(flushToDisk: true);
            return actual;
        }
    }

    private static DebugdException Refused(StatusCode status, string message) => new(message) { Status = status };
}
