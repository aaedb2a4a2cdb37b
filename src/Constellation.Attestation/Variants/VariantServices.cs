using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Amazon.EC2;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.Common.Gcp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Attestation.Variants;

/// <summary>
/// What validators need from their environment: the clock, logging, the collateral clients and the cloud APIs some
/// variants ask. A variant whose validator needs a service that is not set cannot be built here; its
/// <see cref="AttestationVariantDefinition.GetValidatorCapability"/> names the service.
/// </summary>
/// <remarks>Immutable once built; the services themselves must be thread-safe (the library's are). Validators built
/// from one instance share its clients, and with them their caches.</remarks>
public sealed class VariantServices
{
    /// <summary>Gets services with the system clock, no logging and no clients: enough for <c>dummy</c> and <c>qemu-vtpm</c>.</summary>
    public static VariantServices None { get; } = new();

    /// <summary>Gets the clock for certificate, CRL, TCB and token validity. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets where validators log (e.g. azure-sev-snp's warn-only ID key digest). Default no logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Gets the AMD KDS client (certificates the evidence lacks, the AMD CRL): needed by aws-sev-snp, gcp-sev-snp and
    /// azure-sev-snp, whose validators check revocation. Build it with <see cref="CollateralClients"/>.
    /// </summary>
    public AmdKdsClient? AmdKds { get; init; }

    /// <summary>
    /// Gets where TDX collateral (TCB info, QE identity, CRLs) comes from: needed by azure-tdx and qemu-tdx. Usually
    /// <see cref="CollateralClients.IntelPcs"/>.
    /// </summary>
    public ITdxCollateralSource? TdxCollateral { get; init; }

    /// <summary>Gets the MAA token validator: needed by azure-sev-snp when its <c>firmwareSignerConfig.enforcementPolicy</c> is <c>MAAFallback</c>.</summary>
    public MaaTokenValidator? MaaTokenValidator { get; init; }

    /// <summary>Gets the GCE Compute API client (shielded-instance identity): needed by gcp-sev-es and gcp-sev-snp.</summary>
    public IGceShieldedIdentityClient? GceShieldedIdentity { get; init; }

    /// <summary>
    /// Gets a factory of EC2 clients per region (the validator disposes each client): needed by aws-nitro-tpm, which asks
    /// EC2 whether the instance's AMI supports NitroTPM.
    /// </summary>
    public Func<string, IAmazonEC2>? Ec2Clients { get; init; }

    /// <summary>
    /// Gets the roots azure-trustedlaunch pins for Azure's AK certificates instead of the built-in Microsoft "ameroot"
    /// (<see cref="Config.BuiltInRoots.AzureAmeRootPem"/>, valid until 2026-05-24), e.g. its successor; <see langword="null"/> for the built-in one.
    /// </summary>
    public IReadOnlyList<X509Certificate2>? AzureTrustedLaunchRoots { get; init; }

    /// <summary>Gets services with the AMD KDS and Intel PCS clients of <paramref name="collateral"/>, and otherwise these.</summary>
    /// <param name="collateral">The collateral clients (the library's one recipe for them).</param>
    /// <returns>The new services.</returns>
    public VariantServices WithCollateral(CollateralClients collateral)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        return new VariantServices
        {
            TimeProvider = TimeProvider,
            LoggerFactory = LoggerFactory,
            AmdKds = collateral.AmdKds,
            TdxCollateral = collateral.IntelPcs,
            MaaTokenValidator = MaaTokenValidator,
            GceShieldedIdentity = GceShieldedIdentity,
            Ec2Clients = Ec2Clients,
            AzureTrustedLaunchRoots = AzureTrustedLaunchRoots,
        };
    }
}
