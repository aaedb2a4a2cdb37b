// The `constellation evidence` command group: `evidence inspect <kind> …` and `evidence verify <kind> …`.
//
// To add an evidence kind (e.g. snp-report, tdx-quote), add ONE line to `Kinds` below:
//     new(SnpReportCommands.CreateInspect, SnpReportCommands.CreateVerify),
// Either factory may be null when the kind has no such subcommand. Put the kind's commands in their own file in
// this folder; nothing else needs to change.
using System;
using System.CommandLine;

namespace Constellation.Cli.Commands.Evidence;

/// <summary>Builds the <c>evidence</c> command group from the registered evidence kinds.</summary>
public static class EvidenceCommand
{
    private static readonly EvidenceKind[] Kinds =
    [
        new(TpmQuoteCommands.CreateInspect, TpmQuoteCommands.CreateVerify),
        new(Snp.SnpReportCommands.CreateInspect, Snp.SnpReportCommands.CreateVerify),
        new(Tdx.TdxQuoteCommands.CreateInspect, Tdx.TdxQuoteCommands.CreateVerify),
    ];

    /// <summary>Creates the <c>evidence</c> command with its <c>inspect</c> and <c>verify</c> groups.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var inspect = new Command("inspect", "Decode a piece of raw attestation evidence and print its fields.");
        var verify = new Command("verify", "Verify a piece of raw attestation evidence (exit 0 verified, 1 rejected, 2 unusable input).");
        foreach (var kind in Kinds)
        {
            if (kind.CreateInspect is { } createInspect)
            {
                inspect.Subcommands.Add(createInspect());
            }

            if (kind.CreateVerify is { } createVerify)
            {
                verify.Subcommands.Add(createVerify());
            }
        }

        var evidence = new Command("evidence", "Inspect and verify raw attestation evidence (TPM quotes, SNP reports, TDX quotes).");
        evidence.Subcommands.Add(inspect);
        evidence.Subcommands.Add(verify);
        return evidence;
    }

    /// <summary>One evidence kind: factories for its <c>inspect</c> and <c>verify</c> subcommands.</summary>
    /// <param name="CreateInspect">Creates the inspect subcommand, or null.</param>
    /// <param name="CreateVerify">Creates the verify subcommand, or null.</param>
    private sealed record EvidenceKind(Func<Command>? CreateInspect, Func<Command>? CreateVerify);
}
