using System;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// Checks a proposed join policy before it is published: for the cluster's variant, the variant's attestation config
/// as JSON (whose reader refuses a measurement of another length than the variant's, naming the field), with at least
/// one measurement. A refused policy publishes nothing.
/// </summary>
internal static class JoinPolicyCheck
{
    /// <summary>Parses and checks a policy.</summary>
    /// <param name="cluster">The cluster's variant.</param>
    /// <param name="variant">The variant the caller says the policy is for.</param>
    /// <param name="attestationConfigJson">The policy.</param>
    /// <returns>The parsed policy.</returns>
    /// <exception cref="JoinPolicyRejectedException">The policy is refused; the message names the field.</exception>
    public static AttestationConfig Parse(AttestationVariantDefinition cluster, string variant, ReadOnlySpan<byte> attestationConfigJson)
    {
        if (!string.Equals(variant, cluster.Variant.Name, StringComparison.Ordinal))
        {
            throw new JoinPolicyRejectedException($"variant: expected {cluster.Variant.Name} (this cluster's), got {(variant.Length == 0 ? "none" : variant)}");
        }

        if (attestationConfigJson.IsEmpty)
        {
            throw new JoinPolicyRejectedException($"attestationConfig: expected the {cluster.Variant.Name} attestation config as JSON, got 0 bytes");
        }

        AttestationConfig config;
        try
        {
            config = AttestationConfigJson.Parse(cluster, attestationConfigJson);
        }
        catch (AttestationFormatException ex)
        {
            throw new JoinPolicyRejectedException($"attestationConfig: {ex.Message}", ex);
        }

        // An upgrade replaces the measurements; an empty set would admit any image of a variant that allows it.
        if (config.Measurements.Count == 0)
        {
            throw new JoinPolicyRejectedException("attestationConfig.measurements: expected at least one measurement, got none");
        }

        return config;
    }
}
