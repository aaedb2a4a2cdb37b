using System;
using System.IO;
using System.Threading.Tasks;
using Constellation.Cluster.Protos.Debugd;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// The debugd gRPC service. Only the holder of the authorized debug key reaches it (<see cref="AuthorizedDebugKey"/> on
/// the connection); it trusts its caller with the node's bootstrapper.
/// </summary>
/// <remarks>Thread safe: the supervisor serialises replacements; log readers each get their own feed.</remarks>
internal sealed partial class DebugdServiceApi(BootstrapperSupervisor supervisor, DebugdOptions options, ILogger<DebugdServiceApi> logger) : DebugdAPI.DebugdAPIBase
{
    public override async Task<DeployResponse> Deploy(IAsyncStreamReader<DeployRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var staged = supervisor.NewStagingPath();
        try
        {
            var sha256 = await BootstrapperUpload.ReceiveAsync(requestStream, staged, options.MaxUploadBytes, context.CancellationToken).ConfigureAwait(false);
            var deployed = await supervisor.ReplaceAsync(staged, sha256, context.CancellationToken).ConfigureAwait(false);
            return new DeployResponse
            {
                PreviousSha256 = ByteString.CopyFrom(Convert.FromHexString(deployed.PreviousSha256)),
                Sha256 = ByteString.CopyFrom(Convert.FromHexString(deployed.Sha256)),
                Pid = deployed.ProcessId,
            };
        }
        catch (DebugdException ex)
        {
            LogRefused(logger, ex.Message);
            throw new RpcException(new Status(ex.Status ?? StatusCode.Internal, ex.Message));
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public override async Task Logs(LogsRequest request, IServerStreamWriter<LogLine> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!request.Follow)
        {
            foreach (var line in supervisor.Log.Recent())
            {
                await responseStream.WriteAsync(ToMessage(line), context.CancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var (recent, live) = supervisor.Log.Follow();
        using (live)
        {
            foreach (var line in recent)
            {
                await responseStream.WriteAsync(ToMessage(line), context.CancellationToken).ConfigureAwait(false);
            }

            try
            {
                await foreach (var line in live.Lines.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    await responseStream.WriteAsync(ToMessage(line), context.CancellationToken).ConfigureAwait(false);
                }
            }
            catch (DebugdException ex)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
            }
        }
    }

    public override Task<InfoResponse> Info(InfoRequest request, ServerCallContext context)
    {
        var status = supervisor.Status;
        return Task.FromResult(new InfoResponse
        {
            Sha256 = ByteString.CopyFrom(Convert.FromHexString(status.Sha256)),
            Pid = status.ProcessId ?? 0,
            StartedUnixTimeMs = status.StartedAt?.ToUnixTimeMilliseconds() ?? 0,
            Restarts = status.Restarts,
            Deploys = status.Deploys,
        });
    }

    private static LogLine ToMessage(BootstrapperLogLine line) =>
        new() { Stream = line.Stream, Text = line.Text, UnixTimeMs = line.Time.ToUnixTimeMilliseconds() };

    [LoggerMessage(Level = LogLevel.Warning, Message = "deploy refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
