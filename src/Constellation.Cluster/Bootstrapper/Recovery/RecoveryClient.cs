using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Recover;
using Grpc.Core;

namespace Constellation.Cluster.Bootstrapper.Recovery;

/// <summary>
/// What <c>constellation recover</c> does: sends the cluster's KMS URI (built from the master secret, protocols.md
/// §2.1/§2.5) to a rebooting control-plane node's recovery server. The channel must be server-attested aTLS with the
/// cluster's validator, so the master secret goes only to a node that proved its image first.
/// </summary>
public static class RecoveryClient
{
    /// <summary>Recovers the node behind <paramref name="channel"/>.</summary>
    /// <param name="channel">The aTLS channel to the node's recovery server (port 9999).</param>
    /// <param name="masterSecret">The cluster's master secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the node accepted the secret and unlocked its state disk.</returns>
    /// <exception cref="RecoveryFailedException">The node refused (e.g. the secret does not unlock its disk), failed, or could not be reached.</exception>
    public static async Task RecoverAsync(ChannelBase channel, MasterSecret masterSecret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(masterSecret);
        try
        {
            await new API.APIClient(channel)
                .RecoverAsync(new RecoverMessage { KmsUri = masterSecret.ToKmsUri(), StorageUri = InitApi.NoStoreUri }, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new RecoveryFailedException(ex.Status.Detail, ex) { Status = ex.StatusCode };
        }
    }
}
