namespace Constellation.Attestation.DependencyInjection;

/// <summary>
/// Settings for <see cref="AttestationServiceCollectionExtensions.AddConstellationAttestation(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// usually bound from a configuration section such as <c>Constellation:Attestation</c> in appsettings.json.
/// </summary>
public sealed class ConstellationAttestationOptions
{
    /// <summary>Gets or sets the variant to validate, by name or OID (e.g. <c>qemu-vtpm</c>). Required.</summary>
    public string? Variant { get; set; }

    /// <summary>
    /// Gets or sets the path of the attestation policy (the variant's attestation config with its measurements, in
    /// Constellation's JSON join-service format or YAML). Required for every variant except <c>dummy</c>.
    /// </summary>
    public string? PolicyFile { get; set; }

    /// <summary>Gets or sets the policy file's format. Defaults to JSON (the join service's <c>attestationConfig</c>).</summary>
    public Policy.PolicyFileFormat PolicyFileFormat { get; set; } = Policy.PolicyFileFormat.Json;

    /// <summary>Gets or sets a value indicating whether changes to <see cref="PolicyFile"/> are picked up at run time. Defaults to <see langword="true"/>.</summary>
    public bool WatchPolicyFile { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a policy without measurements is applied (a validator that compares
    /// nothing, logged as a warning and reported in every result's warnings). Defaults to <see langword="false"/>: such a
    /// policy stops start-up and is a failed reload. Used by the default validator factory only; a factory you register
    /// yourself has its own <see cref="Policy.AttestationValidatorFactory.AllowEmptyMeasurements"/>.
    /// </summary>
    public bool AllowEmptyMeasurements { get; set; }
}
