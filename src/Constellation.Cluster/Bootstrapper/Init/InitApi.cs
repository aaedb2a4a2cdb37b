using System;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Init;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Init;

/// <summary>
/// The bootstrapper's init server (<c>/init.API/Init</c>, server streaming), served over server-attested aTLS:
/// checks the init secret, derives the cluster's keys, takes the node lock and initialises the cluster.
/// </summary>
/// <remarks>Logs the steps, never the master secret, init secret or keys.</remarks>
internal sealed partial class InitApi : API.APIBase
{
    /// <summary>The storage URI of the built-in KMS (no external key store).</summary>
    public const string NoStoreUri = "storage://no-store";

    private readonly NodeActivation _activation;
    private readonly IClusterMembership _cluster;
    private readonly string _initSecretHash;
    private readonly ILogger<InitApi> _logger;

    /// <summary>Creates the init server.</summary>
    /// <param name="activation">The node's activation.</param>
    /// <param name="cluster">Kubernetes init.</param>
    /// <param name="initSecretHash">The bcrypt hash of the init secret this node was created with.</param>
    /// <param name="logger">The logger.</param>
    public InitApi(NodeActivation activation, IClusterMembership cluster, string initSecretHash, ILogger<InitApi> logger)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(initSecretHash);
        ArgumentNullException.ThrowIfNull(logger);
        _activation = activation;
        _cluster = cluster;
        _initSecretHash = initSecretHash;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task Init(InitRequest request, IServerStreamWriter<InitResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;

        if (!InitSecretHash.Verify(_initSecretHash, request.InitSecret.Span))
        {
            LogRefused(_logger, "invalid init secret");
            await responseStream.WriteAsync(Failure("invalid init secret: the secret does not match the hash this node was created with"), ct).ConfigureAwait(false);
            throw new RpcException(new Status(StatusCode.Internal, "invalid init secret"));
        }

        if (request.StorageUri != NoStoreUri)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid storage_uri: expected \"{NoStoreUri}\", got \"{request.StorageUri}\""));
        }

        if (request.MeasurementSalt.Length != 32)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid measurement_salt: expected 32 bytes, got {request.MeasurementSalt.Length}"));
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

        var measurementSecret = ClusterKeyDerivation.DeriveDataKey(masterSecret, DataKeyId.MeasurementSecret, ClusterKeyDerivation.KeyLength);
        var clusterId = ClusterKeyDerivation.DeriveClusterId(measurementSecret, request.MeasurementSalt.Span);
        var diskKey = _activation.DeriveOwnDiskKey(masterSecret);
        var clusterName = string.IsNullOrEmpty(request.ClusterName) ? "constellation" : request.ClusterName;
        byte[]? kubeconfig = null;
        bool activated;
        try
        {
            activated = await _activation.TryActivateAsync(
                NodeRole.ControlPlane,
                clusterId,
                diskKey,
                request.MeasurementSalt.Memory,
                async token => kubeconfig = await _cluster.InitializeAsync(masterSecret, request.MeasurementSalt.Memory, clusterName, token).ConfigureAwait(false),
                ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(_logger, ex.GetType().Name, ex.Message);
            await responseStream.WriteAsync(Failure($"initializing the cluster: {ex.Message}"), ct).ConfigureAwait(false);
            throw new RpcException(new Status(StatusCode.Internal, $"initializing the cluster: {ex.Message}"));
        }
        finally
        {
            NodeActivation.Clear(diskKey);
            NodeActivation.Clear(measurementSecret);
        }

        if (!activated)
        {
            LogRefused(_logger, "node is already being activated");
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "node is already being activated"));
        }

        var clusterIdHex = Convert.ToHexStringLower(clusterId);
        LogInitialized(_logger, clusterName, clusterIdHex);
        await responseStream.WriteAsync(
            new InitResponse { InitSuccess = new InitSuccessResponse { Kubeconfig = ByteString.CopyFrom(kubeconfig!), ClusterId = ByteString.CopyFrom(clusterId) } },
            ct).ConfigureAwait(false);
    }

    private static InitResponse Failure(string message) => new() { InitFailure = new InitFailureResponse { Error = message } };

    [LoggerMessage(Level = LogLevel.Warning, Message = "init refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "init failed after the node was locked: {ErrorType}: {Error}")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster {ClusterName} initialised; cluster ID {ClusterId}")]
    private static partial void LogInitialized(ILogger logger, string clusterName, string clusterId);
}
