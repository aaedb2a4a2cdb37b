using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>Checks <see cref="ConstellationAttestationOptions"/> at start-up and says exactly what is wrong.</summary>
internal sealed class ConstellationAttestationOptionsValidator : IValidateOptions<ConstellationAttestationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConstellationAttestationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Variant))
        {
            failures.Add($"Constellation attestation: 'Variant' is required; known variants: {string.Join(", ", AttestationVariant.All.Select(v => v.Name))}");
        }
        else if (!AttestationVariant.TryParse(options.Variant, out var variant))
        {
            failures.Add(new UnknownVariantException(options.Variant).Message);
        }
        else if (variant != AttestationVariant.Dummy)
        {
            if (string.IsNullOrWhiteSpace(options.PolicyFile))
            {
                failures.Add($"Constellation attestation: 'PolicyFile' is required for variant {variant.Name} (the attestation config with its measurements)");
            }
            else if (!File.Exists(options.PolicyFile))
            {
                failures.Add($"Constellation attestation: 'PolicyFile' {options.PolicyFile} does not exist");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
