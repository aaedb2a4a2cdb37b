using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Cluster.Transport;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.JoinService.Policy;

/// <summary>
/// How the join service decides whom to admit: the variant's attestation config (measurements and options) read from
/// <c>attestationConfig</c> — in Constellation the ConfigMap <c>join-config</c> mounted at <c>/var/config</c> — through
/// an <see cref="UpdateableAttestationValidator"/>, so a new policy on disk applies to the next aTLS handshake without a
/// restart, and a bad update keeps the last good policy.
/// </summary>
public static class JoinServicePolicy
{
    /// <summary>Where Constellation's join service reads its policy.</summary>
    public const string DefaultAttestationConfigPath = "/var/config/attestationConfig";

    /// <summary>The file name inside the ConfigMap directory.</summary>
    public const string AttestationConfigFileName = "attestationConfig";

    /// <summary>
    /// Loads the policy and starts watching the file (directory events, which include the ConfigMap symlink swap,
    /// plus the options' poll interval).
    /// </summary>
    /// <param name="attestationConfigPath">The JSON file (may be a ConfigMap symlink).</param>
    /// <param name="variant">The variant the join service admits (the join service's <c>--attestation-variant</c>).</param>
    /// <param name="factory">Builds validators for that variant (its registry reads the file, its services serve the validator).</param>
    /// <param name="options">Reload settings; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives reload messages.</param>
    /// <param name="meterFactory">Creates the policy meter; <see langword="null"/> for an owned meter.</param>
    /// <param name="cancellationToken">Cancels the first load.</param>
    /// <returns>The validator; dispose it when the join service stops.</returns>
    /// <exception cref="AttestationException">The first policy cannot be read or parsed (the join service must not start).</exception>
    /// <exception cref="UnknownVariantException">The variant is not in the factory's registry.</exception>
    /// <exception cref="Attestation.Variants.VariantUnavailableException">The variant's validator needs a service the factory lacks.</exception>
    public static Task<UpdateableAttestationValidator> LoadValidatorAsync(
        string attestationConfigPath,
        AttestationVariant variant,
        AttestationValidatorFactory factory,
        UpdateableValidatorOptions? options = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attestationConfigPath);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(factory);
        var source = new FileAttestationPolicySource(attestationConfigPath, PolicyFileFormat.Json, variant, factory.Registry);
        return UpdateableAttestationValidator.CreateAsync(source, factory, options, logger, meterFactory, cancellationToken);
    }

    /// <summary>
    /// Publishes a policy the way Constellation does, as <see cref="AttestationConfigFileName"/> (the variant's config as
    /// JSON) in the <c>join-config</c> ConfigMap: written into <paramref name="configMap"/> as the kubelet updates a
    /// mounted ConfigMap, so a join service watching it (<see cref="LoadValidatorAsync"/>) switches atomically.
    /// </summary>
    /// <param name="configMap">The ConfigMap directory the join service reads.</param>
    /// <param name="config">The policy: the variant's attestation config with its measurements.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The path of the published <see cref="AttestationConfigFileName"/>, for <see cref="LoadValidatorAsync"/>.</returns>
    public static async Task<string> PublishAsync(ConfigMapDirectory configMap, AttestationConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        ArgumentNullException.ThrowIfNull(config);
        await configMap.WriteAsync(
            new Dictionary<string, byte[]> { [AttestationConfigFileName] = AttestationConfigJson.SerializeToUtf8Bytes(config) },
            cancellationToken).ConfigureAwait(false);
        return configMap.PathOf(AttestationConfigFileName);
    }

    /// <summary>
    /// The join service's transport: client-attested aTLS that validates every joining node with
    /// <paramref name="validator"/> (pass the updateable validator, so each handshake uses the policy in effect).
    /// </summary>
    /// <param name="validator">The join policy.</param>
    /// <returns>The transport.</returns>
    public static IServerTransport CreateTransport(IAttestationValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return new AtlsServerTransport(new AtlsOptions { Validators = [validator] });
    }
}
