using System;
using System.IO;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.ClusterServices.Daemon;

/// <summary>
/// The validators the join service builds from its policy file: the registry's definitions with the library's
/// collateral clients (AMD KDS, Intel PCS; on-disk cache under the state directory) and the daemon's logging. Cloud API
/// clients (GCE, EC2, MAA) and Azure AK roots are not offered, so a variant that needs one is refused at start naming it.
/// <c>dummy</c>, which accepts every document, is built only when the daemon's <c>Variant</c> setting names it.
/// </summary>
/// <remarks>Owns the collateral clients' HTTP connections; dispose it when the join service stops.</remarks>
internal sealed class JoinServiceValidators : IDisposable
{
    /// <summary>The collateral cache directory inside the state directory.</summary>
    public const string CollateralCacheDirectoryName = "collateral-cache";

    private readonly CollateralClients _collateral;

    private JoinServiceValidators(string stateDirectory, AttestationVariant variant, ILoggerFactory loggerFactory)
    {
        Variant = variant;
        _collateral = CollateralClients.Create(new CollateralClientOptions { CacheDirectory = Path.Combine(stateDirectory, CollateralCacheDirectoryName) });
        Factory = new AttestationValidatorFactory(AttestationVariantRegistry.Default, new VariantServices { LoggerFactory = loggerFactory }.WithCollateral(_collateral));
        if (variant == AttestationVariant.Dummy)
        {
            Factory.RegisterDummy();
        }
    }

    /// <summary>Gets the variant the join service admits.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the factory the join policy builds its validators with.</summary>
    public AttestationValidatorFactory Factory { get; }

    /// <summary>Gets whether the join service can validate <see cref="Variant"/> here, and what is missing if not.</summary>
    public VariantCapability Capability => Factory.GetCapability(Variant);

    public static JoinServiceValidators Create(string stateDirectory, AttestationVariant variant, ILoggerFactory loggerFactory) =>
        new(stateDirectory, variant, loggerFactory);

    public void Dispose() => _collateral.Dispose();
}
