using System;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>
/// The <c>azure-trustedlaunch</c> variant (1.3.9900.4.2): a vTPM quote whose AK certificate chains to Microsoft's
/// "ameroot", which is built in (<see cref="BuiltInRoots.AzureAmeRootPem"/>, valid until 2026-05-24; after that every chain
/// to it is refused as expired) unless <see cref="VariantServices.AzureTrustedLaunchRoots"/> names other roots.
/// </summary>
public sealed class AzureTrustedLaunchVariant : VtpmVariantDefinition
{
    private AzureTrustedLaunchVariant()
        : base(new AttestationVariant("azure-trustedlaunch", "1.3.9900.4.2", EvidenceFamily.Vtpm, CloudProvider.Azure, "azureTrustedLaunch"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AzureTrustedLaunchVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>2: Azure prefers azure-sev-snp, then azure-tdx.</remarks>
    public override int ProviderRank => 2;

    /// <summary>Creates an azure-trustedlaunch validator.</summary>
    /// <param name="trustedRoots">The pinned roots, e.g. <see cref="CreateAmeRoot"/>; at least one.</param>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="timeProvider">The clock for certificate validity.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(IReadOnlyList<X509Certificate2> trustedRoots, MeasurementSet measurements, TimeProvider? timeProvider = null) =>
        new(Instance.Variant, new AzureTrustedLaunchHooks(trustedRoots, timeProvider), measurements);

    /// <summary>Gets Microsoft's "ameroot" as Constellation embeds it (a new instance each call; dispose it).</summary>
    /// <returns>The certificate.</returns>
    public static X509Certificate2 CreateAmeRoot() => X509Certificate2.CreateFromPem(BuiltInRoots.AzureAmeRootPem);

    /// <inheritdoc />
    /// <remarks>Always available: the built-in ameroot is pinned when <see cref="VariantServices.AzureTrustedLaunchRoots"/> is not set.</remarks>
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return VariantCapability.Available;
    }

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the vTPM of an Azure Trusted Launch VM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.AzureAkCa, "issuing", "a client for the AK certificate's issuing CA (VariantIssuerServices.AzureAkCa)", nameof(VariantIssuerServices.AzureAkCa)));
    }

    /// <summary>Creates an azure-trustedlaunch issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="ca">Fetches the AK certificate's issuing CA.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, AzureAkCaClient ca, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new AzureTrustedLaunchIssuerHooks(ca), options);

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.AzureAkCa!, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(services.AzureTrustedLaunchRoots ?? [CreateAmeRoot()], config.Measurements, services.TimeProvider);
}
