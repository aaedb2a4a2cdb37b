using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Protos.Debugd;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// Calls a node's debugd. The channel must be server-attested aTLS with a validator for the debug image's measurements
/// and the debug key's certificate as client certificate (<see cref="DebugKeyCertificate"/>), so the bootstrapper goes
/// only to a node that runs the debug image and the node serves only the key baked into it.
/// </summary>
public static class DebugdClient
{
    /// <summary>The size of one uploaded chunk.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Uploads a bootstrapper executable; the node checks it, replaces its bootstrapper with it and restarts it.</summary>
    /// <param name="channel">The channel to debugd.</param>
    /// <param name="executable">The executable; read from its current position to the end twice (hash, then upload), so it must be seekable.</param>
    /// <param name="cancellationToken">Cancels the upload (the node keeps its bootstrapper then).</param>
    /// <returns>What was replaced and the new bootstrapper's PID.</returns>
    /// <exception cref="DebugdException">The node refused the upload (size, digest) or the new bootstrapper did not start, or the call failed (untrusted node, refused key, unreachable).</exception>
    public static async Task<DebugdDeployment> DeployAsync(GrpcChannel channel, Stream executable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(executable);
        if (!executable.CanSeek)
        {
            throw new ArgumentException("executable: expected a seekable stream (it is hashed before it is sent)", nameof(executable));
        }

        var start = executable.Position;
        var size = executable.Length - start;
        var sha256 = await SHA256.HashDataAsync(executable, cancellationToken).ConfigureAwait(false);
        executable.Position = start;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var call = new DebugdAPI.DebugdAPIClient(channel).Deploy(cancellationToken: cancellationToken);
            try
            {
                await call.RequestStream.WriteAsync(
                    new DeployRequest { Header = new DeployHeader { Size = (ulong)size, Sha256 = ByteString.CopyFrom(sha256) } }, cancellationToken).ConfigureAwait(false);
                int read;
                while ((read = await executable.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await call.RequestStream.WriteAsync(new DeployRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken).ConfigureAwait(false);
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // The node ended the call while this side still wrote (it refused the header or a chunk, or it cut off a
                // key it does not authorize right after the handshake): the call's status is the answer. Grpc.Net.Client
                // can surface a connection closed during a write as the transport's HttpIOException rather than an
                // RpcException (grpc/grpc-dotnet#2638), so both mean "read the status".
            }

            try
            {
                var response = await call.ResponseAsync.ConfigureAwait(false);
                return new DebugdDeployment(
                    Convert.ToHexStringLower(response.PreviousSha256.Span), Convert.ToHexStringLower(response.Sha256.Span), response.Pid);
            }
            catch (RpcException ex)
            {
                throw Failed("deploy", ex);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads what the node runs now.</summary>
    /// <param name="channel">The channel to debugd.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bootstrapper's digest, PID, start time and counters.</returns>
    /// <exception cref="DebugdException">The call failed (untrusted node, refused key, unreachable).</exception>
    public static async Task<DebugdStatus> GetStatusAsync(GrpcChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        try
        {
            var info = await new DebugdAPI.DebugdAPIClient(channel).InfoAsync(new InfoRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return new DebugdStatus(
                Convert.ToHexStringLower(info.Sha256.Span),
                info.Pid == 0 ? null : info.Pid,
                info.StartedUnixTimeMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(info.StartedUnixTimeMs),
                info.Restarts,
                info.Deploys);
        }
        catch (RpcException ex)
        {
            throw Failed("info", ex);
        }
    }

    /// <summary>Reads the bootstrapper's output: the lines the node kept, then (with <paramref name="follow"/>) new ones until cancelled.</summary>
    /// <param name="channel">The channel to debugd.</param>
    /// <param name="follow">Keep reading new lines.</param>
    /// <param name="cancellationToken">Ends the read.</param>
    /// <returns>The lines, in order.</returns>
    /// <exception cref="DebugdException">The call failed (untrusted node, refused key, unreachable, or the reader fell behind).</exception>
    public static async IAsyncEnumerable<BootstrapperLogLine> ReadLogsAsync(GrpcChannel channel, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        using var call = new DebugdAPI.DebugdAPIClient(channel).Logs(new LogsRequest { Follow = follow }, cancellationToken: cancellationToken);
        while (true)
        {
            LogLine line;
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                line = call.ResponseStream.Current;
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                throw Failed("logs", ex);
            }

            yield return new BootstrapperLogLine(line.Stream, line.Text, DateTimeOffset.FromUnixTimeMilliseconds(line.UnixTimeMs));
        }
    }

    private static DebugdException Failed(string call, RpcException ex) =>
        new($"debugd {call}: {ex.Status.StatusCode}: {ex.Status.Detail}", ex) { Status = ex.StatusCode };
}
