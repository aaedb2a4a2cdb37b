using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.Node;

/// <summary>The role a node took when it was activated.</summary>
public enum NodeRole
{
    /// <summary>A control-plane node (initialised the cluster or joined as control plane).</summary>
    ControlPlane,

    /// <summary>A worker node.</summary>
    Worker,
}

/// <summary>
/// The node state file <c>node_state.json</c> stored on the state disk: <c>{"Role":"ControlPlane"|"Worker","MeasurementSalt":"&lt;std b64&gt;"}</c>,
/// written tab-indented as Constellation does. Immutable.
/// </summary>
/// <param name="Role">The node's role.</param>
/// <param name="MeasurementSalt">The cluster's measurement salt (32 bytes).</param>
public sealed record NodeState(NodeRole Role, ReadOnlyMemory<byte> MeasurementSalt)
{
    /// <summary>Serialises the file form.</summary>
    /// <returns>The UTF-8 bytes.</returns>
    public byte[] ToJsonBytes()
    {
        var role = Role == NodeRole.ControlPlane ? "ControlPlane" : "Worker";
        return Encoding.UTF8.GetBytes($"{{\n\t\"Role\": \"{role}\",\n\t\"MeasurementSalt\": \"{Convert.ToBase64String(MeasurementSalt.Span)}\"\n}}");
    }

    /// <summary>Parses the file form; the role is case-insensitive and <c>control-plane</c> is accepted.</summary>
    /// <param name="utf8Json">The file content.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The content is not a node state file or the salt is not 32 bytes.</exception>
    public static NodeState Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(nameof(Role), out var roleElement) || roleElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty(nameof(MeasurementSalt), out var saltElement) || saltElement.ValueKind != JsonValueKind.String || !saltElement.TryGetBytesFromBase64(out var salt))
            {
                throw new FormatException("node state: expected {\"Role\": \"ControlPlane\"|\"Worker\", \"MeasurementSalt\": \"<base64>\"}");
            }

            var roleText = roleElement.GetString()!;
            NodeRole role = roleText.ToUpperInvariant() switch
            {
                "CONTROLPLANE" or "CONTROL-PLANE" => NodeRole.ControlPlane,
                "WORKER" => NodeRole.Worker,
                _ => throw new FormatException($"node state: Role: expected ControlPlane or Worker, got \"{roleText}\""),
            };
            if (salt.Length != 32)
            {
                throw new FormatException($"node state: MeasurementSalt: expected 32 bytes, got {salt.Length}");
            }

            return new NodeState(role, salt);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"node state: not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Writes the file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public Task WriteFileAsync(string path, CancellationToken cancellationToken = default) => File.WriteAllBytesAsync(path, ToJsonBytes(), cancellationToken);
}
