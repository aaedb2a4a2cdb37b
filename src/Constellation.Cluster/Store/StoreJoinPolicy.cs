using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;
using Constellation.Cluster.JoinService.Policy;

namespace Constellation.Cluster.Store;

/// <summary>
/// The join policy on the cluster store: the variant's attestation config as JSON (the same document as the
/// <c>join-config</c> ConfigMap's <c>attestationConfig</c>) under <c>/constellation/join/attestation-config</c>. It is the
/// policy source of every replica's <see cref="UpdateableAttestationValidator"/> and the publisher upgrades write
/// through; <see cref="WatchAsync"/> makes a validator reload as soon as the key changes.
/// </summary>
/// <remarks>Thread-safe. A bad value is refused by the validator's reload, which keeps the last good policy.</remarks>
internal sealed class StoreJoinPolicy : IAttestationPolicySource, IJoinPolicyPublisher
{
    private readonly IClusterStore _store;
    private readonly AttestationVariantDefinition _definition;

    /// <summary>Creates the policy for one variant.</summary>
    /// <param name="store">The cluster store.</param>
    /// <param name="variant">The variant the join service admits.</param>
    /// <param name="registry">The variants (the validator factory's registry).</param>
    public StoreJoinPolicy(IClusterStore store, AttestationVariant variant, AttestationVariantRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(registry);
        _store = store;
        _definition = registry.Get(variant);
    }

    /// <inheritdoc />
    public string Description => $"{StoreKeys.AttestationConfig} on {_store.Description}";

    /// <inheritdoc />
    public async ValueTask<AttestationConfig> LoadAsync(CancellationToken cancellationToken = default)
    {
        StoreEntry? entry;
        try
        {
            entry = await _store.GetAsync(StoreKeys.AttestationConfig, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            throw new AttestationException($"join policy {Description}: cannot be read: {ex.Message}", ex);
        }

        if (entry is null)
        {
            throw new AttestationFormatException($"join policy {Description}: expected an attestation config, got no key (was the cluster initialised?)");
        }

        try
        {
            return AttestationConfigJson.Parse(_definition, entry.Value);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"join policy {Description}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public Task PublishAsync(AttestationConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return PublishRawAsync(AttestationConfigJson.SerializeToUtf8Bytes(config), cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="validator"/> reload whenever the policy key changes, until <paramref name="cancellationToken"/>
    /// is cancelled. Changes made while a member was down are not missed (the watch resumes from the last revision seen).
    /// </summary>
    /// <returns>A task that completes when the watch is established.</returns>
    public async Task WatchAsync(UpdateableAttestationValidator validator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validator);

        // From the revision the validator could have loaded, not from the key's whole history.
        var current = await _store.GetAsync(StoreKeys.AttestationConfig, cancellationToken).ConfigureAwait(false);
        await _store.WatchPrefixAsync(
            StoreKeys.AttestationConfig,
            afterRevision: current?.ModRevision ?? 0,
            async (_, token) => await validator.ReloadAsync(token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the policy bytes as given (tests use it to publish a value the validators must refuse).</summary>
    internal async Task PublishRawAsync(byte[] json, CancellationToken cancellationToken)
    {
        var written = await _store.CommitAsync([], [StoreOperation.Put(StoreKeys.AttestationConfig, json)], cancellationToken).ConfigureAwait(false);
        if (!written)
        {
            throw new ClusterException($"join policy {Description}: expected the unconditional write to apply, got a refused transaction");
        }
    }
}
