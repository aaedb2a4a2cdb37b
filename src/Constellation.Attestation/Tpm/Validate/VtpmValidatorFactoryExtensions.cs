using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Amazon.EC2;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>Registers the plain vTPM variants with an <see cref="AttestationValidatorFactory"/>.</summary>
public static class VtpmValidatorFactoryExtensions
{
    /// <summary>Registers <c>qemu-vtpm</c> (no AK trust; local and OpenStack use).</summary>
    /// <param name="factory">The factory.</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterQemuVtpm(this AttestationValidatorFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Register(AttestationVariant.QemuVtpm, config => QemuVtpmVariant.CreateValidator(config.Measurements));
    }

    /// <summary>Registers <c>gcp-sev-es</c>.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="client">The Compute API client.</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterGcpSevEs(this AttestationValidatorFactory factory, IGceShieldedIdentityClient client)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(client);
        return factory.Register(AttestationVariant.GcpSevEs, config => GcpSevEsVariant.CreateValidator(client, config.Measurements));
    }

    /// <summary>Registers <c>aws-nitro-tpm</c>.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="clientForRegion">Creates EC2 clients; <see langword="null"/> for SDK defaults.</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterAwsNitroTpm(this AttestationValidatorFactory factory, Func<string, IAmazonEC2>? clientForRegion = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Register(AttestationVariant.AwsNitroTpm, config => AwsNitroTpmVariant.CreateValidator(config.Measurements, clientForRegion));
    }

    /// <summary>Registers <c>azure-trustedlaunch</c> with the pinned AK-certificate roots (none is built in).</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="trustedRoots">The Microsoft "ameroot" certificate(s).</param>
    /// <param name="timeProvider">The clock for certificate validity.</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterAzureTrustedLaunch(this AttestationValidatorFactory factory, IReadOnlyList<X509Certificate2> trustedRoots, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(trustedRoots);
        return factory.Register(AttestationVariant.AzureTrustedLaunch, config => AzureTrustedLaunchVariant.CreateValidator(trustedRoots, config.Measurements, timeProvider));
    }
}
