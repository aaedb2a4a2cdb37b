using System.Text.Json.Serialization;

namespace Constellation.Cli.Commands;

/// <summary>One variant in <c>constellation variants --json</c>.</summary>
internal sealed record VariantRow(string Name, string Oid, string Family, string Provider, CapabilityJson Validator, CapabilityJson Issuer);

/// <summary>Whether the library implements an operation, whether it can run here and, when it cannot, what is missing and why.</summary>
internal sealed record CapabilityJson(
    bool Supported,
    bool Available,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Needs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
