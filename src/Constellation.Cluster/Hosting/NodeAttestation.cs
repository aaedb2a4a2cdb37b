using System;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.NodeLock;

namespace Constellation.Cluster.Hosting;

/// <summary>A node's issuer, its cluster-ID register and what keeps them working (the shared TPM connection), disposed last.</summary>
internal sealed record NodeAttestation(IAttestationIssuer Issuer, IClusterIdRegister Register, IAsyncDisposable? Lifetime) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        (Issuer as IDisposable)?.Dispose();
        if (Lifetime is not null)
        {
            await Lifetime.DisposeAsync().ConfigureAwait(false);
        }
    }
}
