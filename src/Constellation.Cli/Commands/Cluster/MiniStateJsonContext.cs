using System.Text.Json.Serialization;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>The mini state file's JSON (member names as the properties, indented), by the source generator (Native AOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(MiniState))]
internal sealed partial class MiniStateJsonContext : JsonSerializerContext;
