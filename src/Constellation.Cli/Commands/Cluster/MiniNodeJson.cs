namespace Constellation.Cli.Commands.Cluster;

/// <summary>One node in <c>constellation mini up --json</c>.</summary>
internal sealed record MiniNodeJson(string Name, string Role, string Variant, bool Verified, string? Error);
