using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Rejoin;

/// <summary>
/// The rejoin client of a rebooting node whose state disk was set up before: asks the join services for its disk key
/// with <c>IssueRejoinTicket</c> (over client-attested aTLS: the node's fresh attestation is checked before the key is
/// released), round after round with a doubling delay, until the key unlocks the disk and the node is back in its
/// cluster, or the node was activated otherwise (recovery won).
/// </summary>
/// <remarks>Logs endpoints and outcomes, never keys or the disk UUID.</remarks>
public sealed partial class RejoinClient
{
    private readonly RejoinClientOptions _options;
    private readonly IJoinEndpointSource _endpoints;
    private readonly IGrpcChannelFactory _channels;
    private readonly NodeActivation _activation;
    private readonly ILogger<RejoinClient> _logger;

    /// <summary>Creates the client.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="endpoints">Where join services are.</param>
    /// <param name="channels">The transport to the join service (client-attested aTLS with the node's issuer).</param>
    /// <param name="activation">The node's activation.</param>
    /// <param name="logger">The logger.</param>
    public RejoinClient(RejoinClientOptions options, IJoinEndpointSource endpoints, IGrpcChannelFactory channels, NodeActivation activation, ILogger<RejoinClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _endpoints = endpoints;
        _channels = channels;
        _activation = activation;
        _logger = logger;
    }

    /// <summary>Asks every endpoint, round after round, until the node is back in its cluster or activated otherwise.</summary>
    /// <param name="cancellationToken">Stops the client.</param>
    /// <returns><see langword="true"/> if this client returned the node to its cluster; <see langword="false"/> if something else activated it.</returns>
    /// <exception cref="OperationCanceledException">The client was stopped.</exception>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        var delay = _options.InitialRetryDelay;
        while (!_activation.Lock.IsLocked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var endpoint in await _endpoints.GetEndpointsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_activation.Lock.IsLocked)
                {
                    break;
                }

                var ticket = await TryRequestTicketAsync(endpoint, cancellationToken).ConfigureAwait(false);
                if (ticket is null)
                {
                    continue;
                }

                var diskKey = ticket.StateDiskKey.ToByteArray();
                var measurementSecret = ticket.MeasurementSecret.ToByteArray();
                try
                {
                    if (diskKey.Length != ClusterKeyDerivation.KeyLength || measurementSecret.Length != ClusterKeyDerivation.KeyLength)
                    {
                        LogMalformedTicket(_logger, endpoint, diskKey.Length, measurementSecret.Length);
                        continue;
                    }

                    switch (await _activation.TryReactivateAsync(diskKey, measurementSecret, cancellationToken).ConfigureAwait(false))
                    {
                        case ReactivationOutcome.Reactivated:
                            LogRejoined(_logger, endpoint);
                            return true;
                        case ReactivationOutcome.AlreadyActivated:
                            LogActivatedElsewhere(_logger);
                            return false;
                        default:
                            LogKeyRefused(_logger, endpoint);
                            break;
                    }
                }
                finally
                {
                    NodeActivation.Clear(diskKey);
                    NodeActivation.Clear(measurementSecret);
                }
            }

            if (!_activation.Lock.IsLocked)
            {
                _options.RoundFailed?.Invoke();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }

        LogActivatedElsewhere(_logger);
        return false;
    }

    private async Task<IssueRejoinTicketResponse?> TryRequestTicketAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var channel = _channels.CreateChannel(endpoint);
            return await new API.APIClient(channel)
                .IssueRejoinTicketAsync(new IssueRejoinTicketRequest { DiskUuid = _activation.Disk.Uuid.ToLowerInvariant() }, cancellationToken: timeout.Token)
                .ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            LogRequestFailed(_logger, endpoint, ex.StatusCode, ex.Status.Detail);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogRequestTimedOut(_logger, endpoint, _options.RequestTimeout);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "rejoin ticket request to {Endpoint} failed: {Status}: {Detail}")]
    private static partial void LogRequestFailed(ILogger logger, string endpoint, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "rejoin ticket request to {Endpoint} timed out after {Timeout}")]
    private static partial void LogRequestTimedOut(ILogger logger, string endpoint, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rejoin ticket from {Endpoint}: expected a 32-byte disk key and measurement secret, got {DiskKeyLength} and {SecretLength} bytes")]
    private static partial void LogMalformedTicket(ILogger logger, string endpoint, int diskKeyLength, int secretLength);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rejoin ticket from {Endpoint}: the disk key does not unlock the state disk; trying the other endpoints")]
    private static partial void LogKeyRefused(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "rejoined the cluster through {Endpoint}: the disk key unlocked the state disk")]
    private static partial void LogRejoined(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "node already back in its cluster (recovery or another rejoin); rejoin client stops")]
    private static partial void LogActivatedElsewhere(ILogger logger);
}
