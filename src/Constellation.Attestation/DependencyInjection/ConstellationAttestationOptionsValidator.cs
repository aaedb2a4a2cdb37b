using System.Collections.Generic;
using System.IO;
using System.Linq;
using Constellation.Attestation.Variants;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>Checks <see cref="ConstellationAttestationOptions"/> at start-up and says exactly what is wrong.</summary>
internal sealed class ConstellationAttestationOptionsValidator(AttestationVariantRegistry registry) : IValidateOptions<ConstellationAttestationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConstellationAttestationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Variant))
        {
            failures.Add($"Constellation attestation: 'Variant' is required; known variants: {string.Join(", ", registry.Variants.Select(v => v.Name))}");
        }
        else if (!registry.TryParse(options.Variant, out var definition))
        {
            failures.Add(new UnknownVariantException(options.Variant, registry.Variants).Message);
        }
        else if (definition.Variant != AttestationVariant.Dummy)
        {
            if (string.IsNullOrWhiteSpace(options.PolicyFile))
            {
                failures.Add($"Constellation attestation: 'PolicyFile' is required for variant {definition.Variant.Name} (the attestation config with its measurements)");
            }
            else if (!File.Exists(options.PolicyFile))
            {
                failures.Add($"Constellation attestation: 'PolicyFile' {options.PolicyFile} does not exist");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
