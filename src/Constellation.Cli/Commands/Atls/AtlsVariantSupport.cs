using System;
using System.IO;
using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cli.Commands.Cluster;

namespace Constellation.Cli.Commands.Atls;

/// <summary>The issuer and validator the aTLS tools build for a variant of the registry, with what this CLI offers it.</summary>
internal static class AtlsVariantSupport
{
    /// <exception cref="UnusableInputException">No variant has that name or OID.</exception>
    public static AttestationVariantDefinition ParseVariant(string nameOrOid) => CliVariants.Parse(nameOrOid, "--variant");

    /// <exception cref="UnusableInputException">The variant's issuer cannot run here; the message says what is missing.</exception>
    public static IAttestationIssuer CreateIssuer(AttestationVariantDefinition definition, CliVariants variants)
    {
        var capability = definition.GetIssuerCapability(variants.IssuerServices);
        return capability.IsAvailable ? definition.CreateIssuer(variants.IssuerServices) : throw CliVariants.Unavailable(definition, "issuing", capability);
    }

    /// <summary>The validator of the variant's default config with <paramref name="measurements"/>, which every variant that measures something needs.</summary>
    /// <exception cref="UnusableInputException">The measurements are missing, or this CLI cannot validate the variant.</exception>
    public static IAttestationValidator CreateValidator(AttestationVariantDefinition definition, MeasurementSet? measurements, CliVariants variants)
    {
        if (measurements is null && definition.RequiresMeasurements)
        {
            throw new UnusableInputException($"--variant {definition.Variant.Name}: the measurements to expect are missing", "pass --measurements <file>");
        }

        var config = definition.CreateDefaultConfig();
        return ClusterAttestation.CreateValidator(measurements is null ? config : config.WithMeasurements(measurements), variants);
    }

    /// <summary>Reads <c>--measurements</c> (Constellation's JSON or YAML).</summary>
    /// <exception cref="UnusableInputException">The file cannot be read.</exception>
    /// <exception cref="FormatException">The file is not measurements.</exception>
    public static MeasurementSet LoadMeasurements(FileInfo file)
    {
        var text = InputFile.ReadText(file.FullName, "--measurements", InputCap.Measurements);
        try
        {
            return text.TrimStart().StartsWith('{') ? MeasurementJson.Parse(text) : MeasurementYaml.Parse(text);
        }
        catch (AttestationException ex)
        {
            throw new FormatException($"--measurements {file.FullName}: {ex.Message}", ex);
        }
    }
}
