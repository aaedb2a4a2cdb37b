using System;
using System.Collections.Concurrent;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Policy;

/// <summary>
/// Builds an <see cref="IAttestationValidator"/> from an <see cref="AttestationConfig"/>: the config's variant is looked
/// up in the factory's <see cref="AttestationVariantRegistry"/> and its definition builds the validator with the
/// factory's <see cref="VariantServices"/>. <see cref="Register"/> replaces the builder of one variant.
/// </summary>
/// <remarks>
/// <para>Two rules hold for every config, whichever builds it: <c>dummy</c>, which accepts every document, is built only
/// after the host asked for it by name (<see cref="RegisterDummy"/>), so no config, policy file or reload can select it
/// behind the host's back; and a config without measurements is refused unless <see cref="AllowEmptyMeasurements"/>.</para>
/// <para>Safe to use from several threads; registering while other threads create validators is allowed (a creation
/// sees the table before or after the registration). There is no process-wide table: hosts create their own.</para>
/// </remarks>
public sealed class AttestationValidatorFactory
{
    private const string DummyNotRequested =
        "no validator is registered for attestation variant dummy; dummy accepts every document and is built only when asked for by name (RegisterDummy)";

    private readonly ConcurrentDictionary<AttestationVariant, Func<AttestationConfig, IAttestationValidator>> _builders = new();
    private volatile bool _dummyRequested;

    /// <summary>
    /// Creates a factory over <see cref="AttestationVariantRegistry.Default"/> with <see cref="VariantServices.None"/>:
    /// it builds the variants that need nothing from the environment (<c>qemu-vtpm</c>; <c>dummy</c> after
    /// <see cref="RegisterDummy"/>) and refuses the others naming the service they need.
    /// </summary>
    public AttestationValidatorFactory()
        : this(AttestationVariantRegistry.Default, VariantServices.None)
    {
    }

    /// <summary>Creates a factory that builds the variants of a registry with the given services.</summary>
    /// <param name="registry">The variants the factory knows.</param>
    /// <param name="services">What the validators need from the environment (collateral clients, cloud APIs, clock, logging).</param>
    public AttestationValidatorFactory(AttestationVariantRegistry registry, VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        Registry = registry;
        Services = services;
    }

    /// <summary>Gets the variants the factory knows (policy sources that read configs use it too).</summary>
    public AttestationVariantRegistry Registry { get; }

    /// <summary>Gets the services the validators are built with.</summary>
    public VariantServices Services { get; }

    /// <summary>
    /// Gets a value indicating whether a config without measurements builds a validator that compares nothing. When
    /// <see langword="false"/> (default), <see cref="Create"/> refuses it with <see cref="EmptyMeasurementsException"/>;
    /// when <see langword="true"/>, builders receive <see cref="MeasurementSet.EmptyAllowed"/> and every validation result
    /// carries a warning. A variant that measures nothing (<c>dummy</c>) needs no measurements either way.
    /// </summary>
    public bool AllowEmptyMeasurements { get; init; }

    /// <summary>Creates a factory over <see cref="AttestationVariantRegistry.Default"/> with <see cref="VariantServices.None"/>.</summary>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory CreateDefault() => new();

    /// <summary>Allows <c>dummy</c>, which accepts every document (for tests and local clusters that ask for it by name).</summary>
    /// <returns>This factory, for chaining.</returns>
    public AttestationValidatorFactory RegisterDummy()
    {
        _dummyRequested = true;
        return this;
    }

    /// <summary>Registers (or replaces) the builder of a variant; it is used instead of the variant's definition.</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="builder">Builds a validator from a config of that variant; it may throw <see cref="AttestationException"/> for an unusable config.</param>
    /// <returns>This factory, for chaining.</returns>
    public AttestationValidatorFactory Register(AttestationVariant variant, Func<AttestationConfig, IAttestationValidator> builder)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(builder);
        _builders[variant] = builder;
        return this;
    }

    /// <summary>Says whether <see cref="Create"/> can build a validator for the variant and, if not, why.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns>Available for a registered builder or a definition whose services are there; otherwise the reason.</returns>
    public VariantCapability GetCapability(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        if (_builders.ContainsKey(variant))
        {
            return VariantCapability.Available;
        }

        if (variant == AttestationVariant.Dummy && !_dummyRequested)
        {
            return VariantCapability.Unavailable(DummyNotRequested);
        }

        return Registry.TryGet(variant, out var definition)
            ? definition.GetValidatorCapability(Services)
            : VariantCapability.Unavailable($"attestation variant {variant.Name} is not in the factory's registry");
    }

    /// <summary>Gets a value indicating whether <see cref="Create"/> can build a validator for the variant (see <see cref="GetCapability"/>).</summary>
    /// <param name="variant">The variant.</param>
    /// <returns><see langword="true"/> when it can.</returns>
    public bool CanCreate(AttestationVariant variant) => GetCapability(variant).IsAvailable;

    /// <summary>Builds the validator for a config.</summary>
    /// <param name="config">The config; its variant selects the builder.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="InvalidOperationException">The config is <c>dummy</c> and the host did not ask for it by name, or a builder returned a validator of another variant.</exception>
    /// <exception cref="UnknownVariantException">The variant is not in <see cref="Registry"/> and no builder is registered for it.</exception>
    /// <exception cref="EmptyMeasurementsException">The config has no measurements (and the variant measures something) while <see cref="AllowEmptyMeasurements"/> is <see langword="false"/>.</exception>
    /// <exception cref="VariantUnavailableException">The variant's validator needs a service <see cref="Services"/> lacks.</exception>
    /// <exception cref="AttestationException">The builder rejected the config.</exception>
    public IAttestationValidator Create(AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var variant = config.Variant;
        _builders.TryGetValue(variant, out var builder);
        AttestationVariantDefinition? definition = null;
        if (builder is null)
        {
            if (variant == AttestationVariant.Dummy && !_dummyRequested)
            {
                throw new InvalidOperationException(DummyNotRequested);
            }

            if (!Registry.TryGet(variant, out definition))
            {
                throw new UnknownVariantException(variant.Name, Registry.Variants);
            }
        }

        if (config.Measurements.Count == 0 && (definition ?? config.Definition).RequiresMeasurements)
        {
            if (!AllowEmptyMeasurements)
            {
                throw new EmptyMeasurementsException(variant, $"{variant.ConfigKey}.measurements", nameof(AllowEmptyMeasurements));
            }

            // The host asked for this by name: hand the builders the set validators accept.
            config = config.WithMeasurements(MeasurementSet.EmptyAllowed);
        }

        var validator = builder is not null
            ? builder(config) ?? throw new InvalidOperationException($"the validator builder for {variant.Name} returned null")
            : definition!.CreateValidator(config, Services);
        return validator.Variant == variant
            ? validator
            : throw new InvalidOperationException($"the validator builder for {variant.Name} returned a validator for {validator.Variant.Name}");
    }
}
