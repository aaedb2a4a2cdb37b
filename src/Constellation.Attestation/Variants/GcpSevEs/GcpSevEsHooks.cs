using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants.GcpSevEs;

/// <summary>
/// gcp-sev-es validation hooks: the trusted AK is the shielded-instance identity's signing key of the instance
/// named in InstanceInfo; the CVM check requires the replayed event log to show GCE firmware version ≥ 1 on AMD SEV.
/// Thread-safe when the client is.
/// </summary>
public sealed class GcpSevEsHooks : IVtpmVariantHooks
{
    private readonly IGceShieldedIdentityClient _client;

    /// <summary>Creates the hooks.</summary>
    /// <param name="client">The Compute API client.</param>
    public GcpSevEsHooks(IGceShieldedIdentityClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        GceInstanceInfo instance;
        try
        {
            instance = GceInstanceInfo.Parse(context.InstanceInfo.Span);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"validating attestation public key: {ex.Message}", ex);
        }

        return await _client.GetSigningKeyAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.PlatformState;
        var violations = new List<PolicyViolation>();
        var version = state?.GceVersion ?? 0;
        if (version < 1)
        {
            violations.Add(PolicyViolation.Create("platform.gce_version", ">= 1", state is null ? "no event log" : version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var technology = state?.Technology ?? GceConfidentialTechnology.None;
        if (technology != GceConfidentialTechnology.AmdSev)
        {
            violations.Add(PolicyViolation.Create("platform.technology", "AMD_SEV", state is null ? "no event log" : technology.ToString()));
        }

        return violations.Count == 0 ? ValueTask.CompletedTask : throw new AttestationPolicyException(violations);
    }
}
