using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Store;

/// <summary>
/// Bootstrap tokens on the cluster store, so any replica can check a token another one issued: the SHA-256 of the
/// token's secret part under <c>/constellation/tokens/&lt;token id&gt;</c>, attached to an etcd lease whose TTL ends
/// with the token, so etcd deletes an expired token itself. The secret is never stored.
/// </summary>
/// <remarks>Thread-safe. A token id already in use is refused (ids are random; a collision is refused, never overwritten).</remarks>
internal sealed class StoreBootstrapTokens(IClusterStore store, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Records <paramref name="token"/> until it expires.</summary>
    /// <exception cref="ClusterException">The token has expired, its id is taken, or the store cannot be written.</exception>
    public async Task AddAsync(BootstrapToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var ttl = token.Expires - _time.GetUtcNow();
        if (ttl < TimeSpan.FromSeconds(1))
        {
            throw new ClusterException($"bootstrap token {token.Id}: expected at least 1 s of validity left, got {ttl.TotalSeconds:0.###} s");
        }

        var lease = await store.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
        var key = StoreKeys.BootstrapTokens + token.Id;
        var added = await store.CommitAsync([StoreCondition.Absent(key)], [StoreOperation.Put(key, Hash(token.Secret), lease)], cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            await store.RevokeLeaseAsync(lease, cancellationToken).ConfigureAwait(false);
            throw new ClusterException($"bootstrap token {token.Id}: expected a free token id, got one in use");
        }
    }

    /// <summary>Checks a presented token (<c>id.secret</c>): known, not expired, secret matches.</summary>
    /// <returns><see langword="true"/> if the token is valid now.</returns>
    public async Task<bool> IsValidAsync(string value, CancellationToken cancellationToken)
    {
        if (!BootstrapToken.IsWellFormed(value))
        {
            return false;
        }

        var entry = await store.GetAsync(StoreKeys.BootstrapTokens + value[..6], cancellationToken).ConfigureAwait(false);
        return entry is not null && CryptographicOperations.FixedTimeEquals(entry.Value, Hash(value[7..]));
    }

    /// <summary>Deletes a token before its expiry (it was used, or the node it was for left).</summary>
    public Task RevokeAsync(string tokenId, CancellationToken cancellationToken) =>
        store.CommitAsync([], [StoreOperation.Delete(StoreKeys.BootstrapTokens + tokenId)], cancellationToken);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));
}
