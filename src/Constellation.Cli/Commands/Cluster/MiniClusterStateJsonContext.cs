using System.Text.Json.Serialization;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>The mini state file's JSON (member names as the properties, indented), by the source generator (Native AOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(MiniClusterState))]
internal sealed partial class MiniClusterStateJsonContext : JsonSerializerContext;
