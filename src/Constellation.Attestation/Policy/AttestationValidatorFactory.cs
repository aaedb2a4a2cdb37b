using System;
using System.Collections.Concurrent;
using System.Linq;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Policy;

/// <summary>
/// Builds an <see cref="IAttestationValidator"/> from an <see cref="AttestationConfig"/> through a table of
/// per-variant builders. Each variant family registers its builder on the instance the host uses.
/// </summary>
/// <remarks>
/// Safe to use from several threads; registering while other threads create validators is allowed (a creation
/// sees the table before or after the registration). There is no process-wide table: hosts create their own.
/// </remarks>
public sealed class AttestationValidatorFactory
{
    private readonly ConcurrentDictionary<AttestationVariant, Func<AttestationConfig, IAttestationValidator>> _builders = new();

    /// <summary>
    /// Creates a factory with no variant registered: register the variants the host validates (e.g.
    /// <c>RegisterQemuVtpm()</c>). <c>dummy</c> is never registered implicitly, because it accepts every document; a host
    /// that wants it asks for it by name with <see cref="RegisterDummy"/>.
    /// </summary>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory CreateDefault() => new();

    /// <summary>
    /// Gets a value indicating whether a config without measurements builds a validator that compares nothing. When
    /// <see langword="false"/> (default), <see cref="Create"/> refuses it with <see cref="EmptyMeasurementsException"/>;
    /// when <see langword="true"/>, builders receive <see cref="MeasurementSet.EmptyAllowed"/> and every validation result
    /// carries a warning. <c>dummy</c> needs no measurements either way.
    /// </summary>
    public bool AllowEmptyMeasurements { get; init; }

    /// <summary>Registers <c>dummy</c>, which accepts every document (for tests and local clusters that ask for it by name).</summary>
    /// <returns>This factory, for chaining.</returns>
    public AttestationValidatorFactory RegisterDummy() => Register(AttestationVariant.Dummy, _ => new DummyValidator());

    /// <summary>Registers (or replaces) the builder of a variant.</summary>
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

    /// <summary>Gets a value indicating whether a builder is registered for the variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns><see langword="true"/> when <see cref="Create"/> can build a validator for it.</returns>
    public bool IsRegistered(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return _builders.ContainsKey(variant);
    }

    /// <summary>Builds the validator for a config.</summary>
    /// <param name="config">The config; its variant selects the builder.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="InvalidOperationException">No builder is registered for the variant, or the builder returned a validator of another variant.</exception>
    /// <exception cref="EmptyMeasurementsException">The config has no measurements (and the variant is not <c>dummy</c>) while <see cref="AllowEmptyMeasurements"/> is <see langword="false"/>.</exception>
    /// <exception cref="AttestationException">The builder rejected the config.</exception>
    public IAttestationValidator Create(AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!_builders.TryGetValue(config.Variant, out var builder))
        {
            var registered = $"registered: {string.Join(", ", _builders.Keys.Select(v => v.Name).Order(StringComparer.Ordinal))}";
            throw new InvalidOperationException(config.Variant == AttestationVariant.Dummy
                ? $"no validator is registered for attestation variant dummy; dummy accepts every document and is built only when asked for by name (RegisterDummy); {registered}"
                : $"no validator is registered for attestation variant {config.Variant.Name}; {registered}");
        }

        if (config.Measurements.Count == 0 && config.Variant != AttestationVariant.Dummy)
        {
            if (!AllowEmptyMeasurements)
            {
                throw new EmptyMeasurementsException(config.Variant, $"{config.Variant.ConfigKey}.measurements", nameof(AllowEmptyMeasurements));
            }

            // The host asked for this by name: hand the builders the set validators accept.
            config = config.WithMeasurements(MeasurementSet.EmptyAllowed);
        }

        var validator = builder(config) ?? throw new InvalidOperationException($"the validator builder for {config.Variant.Name} returned null");
        return validator.Variant == config.Variant
            ? validator
            : throw new InvalidOperationException($"the validator builder for {config.Variant.Name} returned a validator for {validator.Variant.Name}");
    }
}
