using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Variants;

/// <summary>
/// Everything the library knows about one attestation variant, in one object: its name and OID
/// (<see cref="Variant"/>), its measurements (length, defaults, the cluster-ID register), how its attestation config
/// is created, read and written (JSON for the join service, YAML for <c>constellation-conf.yaml</c>), and how its
/// validator and issuer are built from a config and the environment's services, with a
/// <see cref="VariantCapability"/> saying whether that is possible and what is missing if not.
/// </summary>
/// <remarks>
/// <para>Definitions are immutable and thread-safe. The library's ten are listed in
/// <see cref="AttestationVariantRegistry.Default"/>; a new variant is a new definition (its folder) and one line in that
/// list, or a definition of your own in a registry built with <see cref="AttestationVariantRegistry(IEnumerable{AttestationVariantDefinition})"/>.</para>
/// <para>The config members have defaults for a variant whose config holds only measurements
/// (<see cref="MeasurementsAttestationConfig"/>); variants with options override <see cref="ConfigType"/>,
/// <see cref="CreateDefaultConfig"/>, <see cref="ReadConfig"/>, <see cref="WriteConfigJson"/> and <see cref="WriteConfigYaml"/>.</para>
/// </remarks>
public abstract class AttestationVariantDefinition
{
    /// <summary>Initialises the definition of one variant.</summary>
    /// <param name="variant">The variant value the definition defines (created once, by the definition).</param>
    protected AttestationVariantDefinition(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        Variant = variant;
    }

    /// <summary>Gets the variant: its name, OID, config key, provider and evidence family.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the length every measurement of the variant has: 32 (vTPM PCRs), 48 (TDX registers), or 0 (any: <c>dummy</c>).</summary>
    public abstract int MeasurementLength { get; }

    /// <summary>
    /// Gets the measurement index a node extends its cluster ID into when it is initialised or joins, and that a
    /// verifier who knows the cluster ID expects extended (<see cref="MeasurementSet.WithClusterId"/>):
    /// <see cref="ClusterIdRegisters.VtpmPcr"/> (PCR 15) for the vTPM-based variants, <see cref="ClusterIdRegisters.TdxRtmr2"/>
    /// for <c>qemu-tdx</c>, <see langword="null"/> for a variant that measures nothing (<c>dummy</c>).
    /// </summary>
    public abstract uint? ClusterIdRegister { get; }

    /// <summary>
    /// Gets the measurements the library ships for the variant, as Constellation's open-source defaults table has them:
    /// image-specific registers hold the placeholder <c>1234…</c> (replace them with the signed values of the image),
    /// registers that must stay untouched (among them the cluster-ID register) are all-zero; every entry is enforced.
    /// </summary>
    public abstract MeasurementSet DefaultMeasurements { get; }

    /// <summary>
    /// Gets a value indicating whether a config of the variant must hold measurements: the field is required when read,
    /// and a validator factory refuses an empty set unless the host opts in. <see langword="false"/> only for a variant
    /// that measures nothing (<c>dummy</c>), whose JSON omits empty measurements.
    /// </summary>
    public virtual bool RequiresMeasurements => true;

    /// <summary>
    /// Gets the providers whose cluster configuration may select the variant (<c>constellation config generate</c>, the
    /// provider check of <see cref="ConstellationConfigFile"/>). Default: the variant's own provider.
    /// </summary>
    public virtual IReadOnlyList<CloudProvider> ConfigProviders => [Variant.Provider];

    /// <summary>
    /// Gets the variant's rank among the variants of its <see cref="ConfigProviders"/>: lower ranks are listed first, and
    /// the variant of rank 0 is the provider's default (Constellation prefers SEV-SNP, then TDX, then plain vTPM). Default 0.
    /// </summary>
    public virtual int ProviderRank => 0;

    /// <summary>Gets the <see cref="AttestationConfig"/> type the variant's config has. Default <see cref="MeasurementsAttestationConfig"/>.</summary>
    public virtual Type ConfigType => typeof(MeasurementsAttestationConfig);

    /// <summary>
    /// Creates the config Constellation generates for the variant: <see cref="DefaultMeasurements"/>, versions
    /// <c>latest</c> and the built-in roots.
    /// </summary>
    /// <returns>A new config of <see cref="ConfigType"/>.</returns>
    public virtual AttestationConfig CreateDefaultConfig() => new MeasurementsAttestationConfig(this, DefaultMeasurements);

    /// <summary>
    /// Reads the variant's config from the fields of its JSON object (the join service's JSON, or the YAML section bridged to
    /// JSON). Every field must be taken; call <see cref="AttestationConfigFields.ThrowIfUnknownFields"/> last.
    /// </summary>
    /// <param name="fields">The object's fields, with the path errors name.</param>
    /// <returns>The config, of <see cref="ConfigType"/>.</returns>
    /// <exception cref="AttestationFormatException">A field is missing, unknown or invalid; the message names it.</exception>
    public virtual AttestationConfig ReadConfig(AttestationConfigFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var measurements = fields.ReadMeasurements(RequiresMeasurements);
        fields.ThrowIfUnknownFields(["measurements"]);
        return fields.CreateConfig(() => new MeasurementsAttestationConfig(this, measurements));
    }

    /// <summary>Writes the members of the variant's JSON object (the caller writes the braces), in Go's field order.</summary>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="config">The config, of <see cref="ConfigType"/>.</param>
    public virtual void WriteConfigJson(Utf8JsonWriter writer, AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        RequireConfig(config);
        WriteMeasurementsJson(writer, config);
    }

    /// <summary>Appends the variant's YAML fields (without its config key), yaml.v3 style, at the given indentation.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="config">The config, of <see cref="ConfigType"/>.</param>
    /// <param name="indent">Spaces before each field name.</param>
    public virtual void WriteConfigYaml(StringBuilder builder, AttestationConfig config, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RequireConfig(config);
        AttestationConfigYaml.WriteMeasurements(builder, config.Measurements, indent);
    }

    /// <summary>Says whether <see cref="CreateValidator"/> can build the variant's validator with these services, and what is missing if not.</summary>
    /// <param name="services">What the environment offers.</param>
    /// <returns>The capability.</returns>
    public abstract VariantCapability GetValidatorCapability(VariantServices services);

    /// <summary>Builds the variant's validator from its config.</summary>
    /// <param name="config">The config (of this variant and of <see cref="ConfigType"/>); its measurements are used as they are.</param>
    /// <param name="services">What the environment offers (clock, logging, collateral clients, cloud APIs).</param>
    /// <returns>The validator.</returns>
    /// <exception cref="ArgumentException">The config is for another variant or of another type.</exception>
    /// <exception cref="VariantUnavailableException">The validator needs a service that <paramref name="services"/> lacks (see <see cref="GetValidatorCapability"/>).</exception>
    /// <exception cref="AttestationException">The config cannot be used (e.g. no measurements, unresolved values, a root that is not one).</exception>
    public IAttestationValidator CreateValidator(AttestationConfig config, VariantServices services)
    {
        RequireConfig(config);
        ArgumentNullException.ThrowIfNull(services);
        ThrowIfUnavailable(GetValidatorCapability(services), "validation");
        return BuildValidator(config, services);
    }

    /// <summary>Says whether <see cref="CreateIssuer"/> can build the variant's issuer with these services, and what is missing if not.</summary>
    /// <param name="services">What the machine offers (TPM, TDX quotes, metadata services).</param>
    /// <returns>The capability.</returns>
    public abstract VariantCapability GetIssuerCapability(VariantIssuerServices services);

    /// <summary>Builds the variant's issuer.</summary>
    /// <param name="services">What the machine offers.</param>
    /// <returns>The issuer; dispose it when it is <see cref="IDisposable"/>.</returns>
    /// <exception cref="VariantUnavailableException">The issuer needs something <paramref name="services"/> lacks, or the library has no issuer for the variant.</exception>
    public IAttestationIssuer CreateIssuer(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        ThrowIfUnavailable(GetIssuerCapability(services), "issuing");
        return BuildIssuer(services);
    }

    /// <summary>Returns the variant's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Variant.Name;

    /// <summary>Builds the validator once <see cref="GetValidatorCapability"/> said it can be built and the config has been checked.</summary>
    /// <param name="config">The config, of this variant and of <see cref="ConfigType"/>.</param>
    /// <param name="services">The services.</param>
    /// <returns>The validator.</returns>
    protected abstract IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services);

    /// <summary>Builds the issuer once <see cref="GetIssuerCapability"/> said it can be built; override it when the variant can issue.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The issuer.</returns>
    protected virtual IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        throw new NotSupportedException($"{Variant.Name}: the definition says it can issue but builds no issuer");

    /// <summary>The capability of an operation that needs <paramref name="service"/>: available when it is set.</summary>
    /// <param name="service">The service, or <see langword="null"/> when the environment lacks it.</param>
    /// <param name="operation"><c>validation</c> or <c>issuing</c>.</param>
    /// <param name="what">What the service is, e.g. <c>an AMD KDS client (VariantServices.AmdKds)</c>.</param>
    /// <param name="serviceName">The service's property name, e.g. <c>AmdKds</c>.</param>
    /// <returns>The capability.</returns>
    protected VariantCapability Needs(object? service, string operation, string what, string serviceName) =>
        service is not null ? VariantCapability.Available : VariantCapability.Missing(serviceName, $"{Variant.Name} {operation} needs {what}");

    /// <summary>The capability of issuing for a variant the library has no issuer for.</summary>
    /// <param name="needs">What an issuer would need, e.g. <c>the NitroTPM of an AWS instance</c>.</param>
    /// <returns>The capability, unavailable with that reason.</returns>
    protected VariantCapability NoIssuer(string needs) =>
        VariantCapability.NotSupported($"{Variant.Name} issuing is not available: this library has no {Variant.Name} issuer (it needs {needs})");

    /// <summary>Writes <c>measurements</c> into a JSON object, unless the variant needs none and the config has none (Go's <c>omitempty</c> of <c>dummy</c>).</summary>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="config">The config.</param>
    protected void WriteMeasurementsJson(Utf8JsonWriter writer, AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(config);
        if (RequiresMeasurements || config.Measurements.Count > 0)
        {
            writer.WritePropertyName("measurements");
            MeasurementJson.Write(writer, config.Measurements);
        }
    }

    /// <summary>Checks that a config belongs to this variant and has <see cref="ConfigType"/>.</summary>
    /// <param name="config">The config.</param>
    /// <exception cref="ArgumentException">It does not.</exception>
    protected void RequireConfig(AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Variant != Variant)
        {
            throw new ArgumentException($"{Variant.Name} cannot use a config for {config.Variant.Name}", nameof(config));
        }

        if (!ConfigType.IsInstanceOfType(config))
        {
            throw new ArgumentException($"{Variant.Name} needs an {ConfigType.Name}, got {config.GetType().Name}", nameof(config));
        }
    }

    private void ThrowIfUnavailable(VariantCapability capability, string operation)
    {
        if (!capability.IsAvailable)
        {
            throw new VariantUnavailableException(Variant, operation, capability);
        }
    }
}
