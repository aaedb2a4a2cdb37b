using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Constellation.Attestation.Config;

/// <summary>Source-generated serializer metadata for turning bridged YAML into a <see cref="System.Text.Json.JsonElement"/>.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeContext : JsonSerializerContext
{
}
