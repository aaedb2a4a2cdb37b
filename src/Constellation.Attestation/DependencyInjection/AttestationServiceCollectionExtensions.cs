using System;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Policy;
using Amazon.EC2;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.Common.Gcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>Registers Constellation attestation in a dependency-injection container.</summary>
public static class AttestationServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IAttestationValidator"/> for the configured variant and policy file, with metrics and
    /// tracing (<see cref="AttestationTelemetry"/>), bound from a configuration section.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="ConstellationAttestationOptions"/>, e.g. <c>Constellation:Attestation</c>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>
    /// Options are validated when the host starts; the policy is loaded then too, and a policy that cannot be loaded
    /// stops the host with the reason. With <see cref="ConstellationAttestationOptions.WatchPolicyFile"/> the policy
    /// is replaced atomically whenever the file changes; a bad update keeps the previous policy.
    /// </remarks>
    public static IServiceCollection AddConstellationAttestation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConstellationAttestationOptions>().Bind(configuration);
        return services.AddConstellationAttestationCore();
    }

    /// <summary>Registers an <see cref="IAttestationValidator"/> configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="ConstellationAttestationOptions"/>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddConstellationAttestation(this IServiceCollection services, Action<ConstellationAttestationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ConstellationAttestationOptions>().Configure(configure);
        return services.AddConstellationAttestationCore();
    }

    private static IServiceCollection AddConstellationAttestationCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConstellationAttestationOptions>, ConstellationAttestationOptionsValidator>());
        services.AddOptions<ConstellationAttestationOptions>().ValidateOnStart();
        services.TryAddSingleton<AttestationMetrics>();
        services.TryAddSingleton(AttestationVariantRegistry.Default);
        services.TryAddSingleton(CreateVariantServices);
        // Every variant of the registry whose services are registered can be validated. dummy accepts every document:
        // it is in the factory only when the options name it.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConstellationAttestationOptions>>().Value;
            var registry = sp.GetRequiredService<AttestationVariantRegistry>();
            var factory = new AttestationValidatorFactory(registry, sp.GetRequiredService<VariantServices>()) { AllowEmptyMeasurements = options.AllowEmptyMeasurements };
            return registry.TryParse(options.Variant, out var named) && named.Variant == AttestationVariant.Dummy ? factory.RegisterDummy() : factory;
        });
        services.TryAddSingleton<ConfiguredAttestationValidator>();
        services.TryAddSingleton<IAttestationValidator>(sp => sp.GetRequiredService<ConfiguredAttestationValidator>());
        services.AddHostedService(sp => sp.GetRequiredService<ConfiguredAttestationValidator>());
        return services;
    }

    /// <summary>
    /// The validators' services from the container: the clock, logging, and whichever clients are registered (the AMD KDS
    /// and Intel PCS clients of <see cref="CollateralServiceCollectionExtensions.AddConstellationCollateral(IServiceCollection, Action{CollateralClientOptions})"/>,
    /// a <see cref="MaaTokenValidator"/>, an <see cref="IGceShieldedIdentityClient"/>, an EC2 client factory). Register a
    /// <see cref="VariantServices"/> yourself for anything else (e.g. azure-trustedlaunch's roots).
    /// </summary>
    private static VariantServices CreateVariantServices(IServiceProvider provider) => new()
    {
        TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
        LoggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
        AmdKds = provider.GetService<AmdKdsClient>(),
        TdxCollateral = provider.GetService<ITdxCollateralSource>() ?? provider.GetService<IntelPcsClient>(),
        MaaTokenValidator = provider.GetService<MaaTokenValidator>(),
        GceShieldedIdentity = provider.GetService<IGceShieldedIdentityClient>(),
        Ec2Clients = provider.GetService<Func<string, IAmazonEC2>>(),
    };
}
