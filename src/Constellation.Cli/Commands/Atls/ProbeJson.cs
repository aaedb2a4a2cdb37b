using System.Collections.Generic;

namespace Constellation.Cli.Commands.Atls;

/// <summary><c>constellation atls probe --json</c> for a server that was not accepted.</summary>
internal sealed record ProbeFailure(bool Attested, string Verdict, IReadOnlyList<string> Reasons, IReadOnlyList<string>? Oids);

/// <summary><c>constellation atls probe --json</c> for an attested server.</summary>
internal sealed record ProbeSuccess(bool Attested, string? Variant, string UserData, IReadOnlyList<string> Oids, IReadOnlyList<string> Warnings, string Body);
