using System.Text.Json.Serialization;

namespace Constellation.Cli.Commands;

/// <summary>One variant in <c>constellation variants --json</c>.</summary>
internal sealed record VariantRow(string Name, string Oid, string Family, string Provider, CapabilityJson Validator, CapabilityJson Issuer);

/// <summary>Whether an operation is available and, when it is not, why.</summary>
internal sealed record CapabilityJson(
    bool Available,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
