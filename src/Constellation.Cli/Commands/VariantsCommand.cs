using System.CommandLine;
using System.Linq;
using System.Text.Json;
using Constellation.Attestation;
using Spectre.Console;

namespace Constellation.Cli.Commands;

/// <summary><c>constellation variants</c>: lists the attestation variants with their OIDs.</summary>
public static class VariantsCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("variants", "List the attestation variants with their OIDs, evidence family and provider.") { json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var rows = AttestationVariant.All.Select(v => new { name = v.Name, oid = v.Oid, family = v.Family.ToString(), provider = v.Provider.ToConfigString() });
                output.WriteLine(JsonSerializer.Serialize(rows));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Variant", "OID", "Evidence", "Provider");
            foreach (var variant in AttestationVariant.All)
            {
                table.AddRow(variant.Name, variant.Oid, variant.Family.ToString(), variant.Provider.ToConfigString());
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
