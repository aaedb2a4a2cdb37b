using System.CommandLine;
using System.Linq;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Spectre.Console;

namespace Constellation.Cli.Commands;

/// <summary>
/// <c>constellation variants</c>: lists the attestation variants of the registry with their OIDs, and whether this CLI
/// can validate and issue each (from the variants' capabilities with what this CLI and machine offer; with the reason when not).
/// In JSON each of <c>validator</c> and <c>issuer</c> is <c>{"supported", "available"}</c>, plus <c>"needs"</c> (the missing
/// service) and <c>"reason"</c> when it is not available here.
/// </summary>
public static class VariantsCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("variants", "List the attestation variants with their OIDs, evidence family, provider, and whether this CLI can validate and issue them here.") { json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var variants = new CliVariants();
            var rows = CliVariants.Registry.Definitions.Select(d => (
                Definition: d,
                Validator: d.GetValidatorCapability(variants.Services),
                Issuer: d.GetIssuerCapability(variants.IssuerServices))).ToList();
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(
                    rows.Select(r => new VariantRow(
                        r.Definition.Variant.Name,
                        r.Definition.Variant.Oid,
                        r.Definition.Variant.Family.ToString(),
                        r.Definition.Variant.Provider.ToConfigString(),
                        Capability(r.Validator),
                        Capability(r.Issuer))).ToList(),
                    CliJsonContext.Default.ListVariantRow));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Variant", "OID", "Evidence", "Provider", "Validate", "Issue");
            foreach (var (definition, validator, issuer) in rows)
            {
                var variant = definition.Variant;
                table.AddRow(variant.Name, variant.Oid, variant.Family.ToString(), variant.Provider.ToConfigString(), YesNo(validator), YesNo(issuer));
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            if (!ReferenceEquals(output, System.Console.Out) || System.Console.IsOutputRedirected)
            {
                // Redirected output has no terminal width; keep each variant on one line for scripts.
                console.Profile.Width = 200;
            }

            console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    // "supported": the library implements the operation for the variant (all ten do); "available": it can run here with
    // what this CLI and machine offer; otherwise "needs" names the missing service and "reason" says what it is.
    private static CapabilityJson Capability(VariantCapability capability) =>
        capability.IsAvailable
            ? new(true, true, null, null)
            : new(capability.IsSupported, false, capability.MissingService, capability.Reason);

    private static string YesNo(VariantCapability capability) => capability.IsAvailable ? "yes" : "no";
}
