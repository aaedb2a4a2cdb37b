using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Constellation.Attestation;
using Constellation.Attestation.Config;

namespace Constellation.Cli.Commands.Config;

/// <summary>
/// <c>constellation config generate &lt;aws|azure|gcp|qemu|openstack&gt; [--attestation &lt;variant&gt;]</c>: writes a new
/// <c>constellation-conf.yaml</c> with the default measurements of the variant; never overwrites.
/// </summary>
public static class ConfigGenerateCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var provider = new Argument<string>("provider") { Description = "The cloud provider: aws, azure, gcp, qemu or openstack." };
        var attestation = new Option<string?>("--attestation") { Description = "The attestation variant, e.g. aws-nitro-tpm (default: the provider's default variant)." };
        var workspace = new Option<string?>("--workspace", "-C") { Description = "Directory to write constellation-conf.yaml into (default: the working directory)." };
        var command = new Command("generate", "Generate a default constellation-conf.yaml for a provider, with the library's default measurements.") { provider, attestation, workspace };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var providerText = parse.GetValue(provider) ?? string.Empty;
            var cloud = CloudProviders.Parse(providerText);
            if (cloud == CloudProvider.Unknown)
            {
                error.WriteLine($"Error: unknown provider \"{providerText}\"; expected aws, azure, gcp, qemu or openstack.");
                return ExitCodes.UnusableInput;
            }

            AttestationVariant variant;
            var registry = CliVariants.Registry;
            var allowed = registry.AllowedVariants(cloud);
            var variantText = parse.GetValue(attestation);
            if (variantText is null)
            {
                variant = registry.DefaultVariant(cloud);
            }
            else if (!registry.TryParse(variantText, out var parsed) || parsed.Variant.Oid == variantText)
            {
                error.WriteLine($"Error: unknown attestation variant \"{variantText}\"; {cloud.ToConfigString()} allows: {string.Join(", ", allowed)}.");
                return ExitCodes.UnusableInput;
            }
            else if (!allowed.Contains(parsed.Variant))
            {
                error.WriteLine($"Error: attestation variant {parsed.Variant.Name} is not available on {cloud.ToConfigString()}; allowed: {string.Join(", ", allowed)}.");
                return ExitCodes.UnusableInput;
            }
            else
            {
                variant = parsed.Variant;
            }

            var path = Path.Combine(parse.GetValue(workspace) ?? Directory.GetCurrentDirectory(), ConstellationConfigFile.DefaultFileName);
            if (File.Exists(path))
            {
                error.WriteLine($"Error: {path} already exists; refusing to overwrite it. Move it away or edit it.");
                return ExitCodes.UnusableInput;
            }

            try
            {
                AtomicFile.CreateNew(path, ConstellationConfigFile.Generate(cloud, variant));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"Error: cannot write {path}: {ex.Message}");
                return ExitCodes.UnusableInput;
            }

            output.WriteLine($"Config file written to {path} ({cloud.ToConfigString()}, attestation variant {variant.Name}).");
            output.WriteLine("The measurements are placeholders: run 'constellation config fetch-measurements' to fetch the signed values of the image.");
            return ExitCodes.Success;
        });
        return command;
    }
}
