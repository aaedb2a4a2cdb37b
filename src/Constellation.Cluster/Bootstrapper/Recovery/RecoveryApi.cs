using System;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Recover;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Recovery;

/// <summary>
/// The recovery server of a rebooting control-plane node (<c>/recoverproto.API/Recover</c>, Constellation's
/// disk-mapper), served over server-attested aTLS while the state disk is locked and no join service answers: the
/// caller sends the cluster's KMS URI, the node derives its disk key (<c>DEK("key-" + disk UUID)</c>) and the
/// measurement secret, and returns to its cluster if the key unlocks its disk.
/// </summary>
/// <remarks>
/// The caller is not authenticated; only the master secret opens the disk, and a wrong one changes nothing
/// (<c>PermissionDenied</c>), so a later correct call still succeeds. Logs outcomes, never the URI or keys.
/// </remarks>
internal sealed partial class RecoveryApi : API.APIBase
{
    private readonly NodeActivation _activation;
    private readonly ILogger<RecoveryApi> _logger;

    /// <summary>Creates the server.</summary>
    /// <param name="activation">The node's activation.</param>
    /// <param name="logger">The logger.</param>
    public RecoveryApi(NodeActivation activation, ILogger<RecoveryApi> logger)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(logger);
        _activation = activation;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<RecoverResponse> Recover(RecoverMessage request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.StorageUri != InitApi.NoStoreUri)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid storage_uri: expected \"{InitApi.NoStoreUri}\", got {RequestLength(request.StorageUri)}"));
        }

        MasterSecret masterSecret;
        try
        {
            masterSecret = MasterSecret.ParseKmsUri(request.KmsUri);
        }
        catch (FormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid kms_uri: {ex.Message}"));
        }

        var diskKey = _activation.DeriveOwnDiskKey(masterSecret);
        var measurementSecret = ClusterKeyDerivation.DeriveDataKey(masterSecret, DataKeyId.MeasurementSecret, ClusterKeyDerivation.KeyLength);
        ReactivationOutcome outcome;
        try
        {
            outcome = await _activation.TryReactivateAsync(diskKey, measurementSecret, context.CancellationToken).ConfigureAwait(false);
        }
        catch (StateDiskException ex)
        {
            LogFailed(_logger, ex.Message);
            throw new RpcException(new Status(StatusCode.Internal, $"recovering the state disk: {ex.Message}"));
        }
        finally
        {
            NodeActivation.Clear(diskKey);
            NodeActivation.Clear(measurementSecret);
        }

        switch (outcome)
        {
            case ReactivationOutcome.Reactivated:
                LogRecovered(_logger, context.Peer);
                return new RecoverResponse();
            case ReactivationOutcome.AlreadyActivated:
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "node is already recovered: it rejoined its cluster or was recovered by an earlier call"));
            default:
                LogRefused(_logger, context.Peer);
                throw new RpcException(new Status(
                    StatusCode.PermissionDenied, "invalid kms_uri: expected the master secret of this node's cluster, got one whose disk key does not unlock the node's state disk"));
        }
    }

    private static string RequestLength(string value) => value.Length == 0 ? "an empty value" : $"{value.Length} other characters";

    [LoggerMessage(Level = LogLevel.Information, Message = "recovered by {Peer}: the master secret unlocked the state disk")]
    private static partial void LogRecovered(ILogger logger, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "recovery from {Peer} refused: the master secret does not unlock the state disk")]
    private static partial void LogRefused(ILogger logger, string peer);

    [LoggerMessage(Level = LogLevel.Error, Message = "recovery failed after the key unlocked the state disk: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
