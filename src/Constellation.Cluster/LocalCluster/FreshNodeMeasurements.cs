using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Variants.QemuVtpm;

namespace Constellation.Cluster.LocalCluster;

/// <summary>
/// What a node of the local cluster measures before it is bootstrapped. The local cluster has no signed image
/// measurements: a fresh node is the "image", and its measurements are the reference values of the join policy and of
/// every verifier (with the cluster ID folded in once the cluster exists).
/// </summary>
public static class FreshNodeMeasurements
{
    /// <summary>
    /// Reads the measurements of a node that has not been bootstrapped, from a fresh attestation of its issuer:
    /// for <c>qemu-vtpm</c> PCR 0 up to the cluster-ID register (PCR 15, which must still be all-zero), every one
    /// enforced; for <c>dummy</c> none (it measures nothing).
    /// </summary>
    /// <param name="issuer">The fresh node's issuer.</param>
    /// <param name="cancellationToken">Cancels the attestation.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentException">The issuer's variant is neither <c>dummy</c> nor <c>qemu-vtpm</c>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The node's cluster-ID register is already extended: the node was bootstrapped, and a policy taken from it would
    /// expect members of that other cluster instead of fresh nodes.
    /// </exception>
    public static async Task<MeasurementSet> MeasureAsync(IAttestationIssuer issuer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var variant = issuer.Variant;
        if (variant == AttestationVariant.Dummy)
        {
            return MeasurementSet.Empty;
        }

        if (variant != AttestationVariant.QemuVtpm || QemuVtpmVariant.Instance.ClusterIdRegister is not { } register)
        {
            throw new ArgumentException($"local cluster: issuer variant: expected dummy or qemu-vtpm, got {variant.Name}", nameof(issuer));
        }

        // The quote is checked against its own key (any measurements allowed): it only reports what this TPM holds now.
        var nonce = RandomNumberGenerator.GetBytes(32);
        var document = await issuer.IssueAsync(new byte[32], nonce, cancellationToken).ConfigureAwait(false);
        var seen = await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, nonce, cancellationToken).ConfigureAwait(false);
        if (!seen.Measurements.TryGetValue(register, out var clusterId))
        {
            throw new InvalidOperationException($"local cluster: PCR {register} (cluster ID): expected all-zero on a fresh node, got no value in the quote");
        }

        if (clusterId.Any(b => b != 0))
        {
            throw new InvalidOperationException(
                $"local cluster: PCR {register} (cluster ID): expected all-zero on a fresh node, got {Convert.ToHexStringLower(clusterId.AsSpan())}; the node was already bootstrapped");
        }

        return new MeasurementSet(seen.Measurements.Where(kv => kv.Key <= register)
            .Select(kv => KeyValuePair.Create(kv.Key, new Measurement(kv.Value.AsSpan(), warnOnly: false))));
    }
}
