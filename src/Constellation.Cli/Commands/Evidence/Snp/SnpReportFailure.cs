using System.Collections.Generic;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary><c>constellation evidence … snp-report --json</c> when the input cannot be used.</summary>
internal sealed record SnpReportFailure(bool Valid, IReadOnlyList<string> Errors);
