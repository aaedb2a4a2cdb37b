using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The file form of the node registry: <c>{"version":1,"bindings":[{"nodeName":"…","diskUuid":"…"}]}</c>, mode 0600
/// (disk UUIDs are credentials towards the join service), replaced whole on every change (<see cref="AtomicFile"/>).
/// Reading is strict: an unknown member, a name that is not a Kubernetes node name, a disk UUID that is not canonical,
/// or a name or disk bound twice makes the file unusable (the join service does not start on a registry it cannot trust).
/// </summary>
internal static class NodeRegistryFile
{
    private const int Version = 1;

    public static List<(string Name, StateDiskUuid Disk)> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Nothing recorded yet; the first binding creates the file (and fails loudly if it cannot).
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeRegistryException($"node registry {path}: cannot read it: {ex.Message}", ex);
        }

        Document? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, NodeRegistryJsonContext.Default.Document);
        }
        catch (JsonException ex)
        {
            throw new NodeRegistryException($"node registry {path}: expected {{\"version\":1,\"bindings\":[…]}}, got unparseable JSON ({ex.Message})", ex);
        }

        if (document is null || document.Version != Version || document.Bindings is null)
        {
            throw new NodeRegistryException($"node registry {path}: expected version {Version} with a bindings list, got {(document is null ? "null" : $"version {document.Version}")}");
        }

        var bindings = new List<(string, StateDiskUuid)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var disks = new HashSet<StateDiskUuid>();
        for (var i = 0; i < document.Bindings.Count; i++)
        {
            var entry = document.Bindings[i];
            if (entry?.NodeName is not { } name || !KubernetesNodeName.IsValid(name, out var problem))
            {
                throw new NodeRegistryException($"node registry {path}: binding {i}: nodeName: expected a Kubernetes node name, got {(entry?.NodeName is null ? "none" : "an invalid one")}");
            }

            if (entry.DiskUuid is not { } uuid || !StateDiskUuid.TryParse(uuid, out var disk, out _))
            {
                throw new NodeRegistryException($"node registry {path}: binding {i}: diskUuid: expected a canonical UUID, got {(entry.DiskUuid is null ? "none" : "something else")}");
            }

            if (!names.Add(name) || !disks.Add(disk))
            {
                throw new NodeRegistryException($"node registry {path}: binding {i}: expected each node name and disk bound once, got a second binding for {(names.Contains(name) && !disks.Contains(disk) ? "a disk" : $"\"{name}\" or its disk")}");
            }

            bindings.Add((name, disk));
        }

        return bindings;
    }

    public static void Write(string path, IEnumerable<KeyValuePair<string, StateDiskUuid>> bindings)
    {
        var document = new Document(Version, []);
        foreach (var (name, disk) in bindings)
        {
            document.Bindings!.Add(new Binding(name, disk.Value));
        }

        try
        {
            AtomicFile.Replace(path, JsonSerializer.SerializeToUtf8Bytes(document, NodeRegistryJsonContext.Default.Document), AtomicFile.OwnerOnly);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeRegistryException($"node registry {path}: cannot record the binding: {ex.Message}", ex);
        }
    }

    internal sealed record Document(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("bindings")] List<Binding?>? Bindings);

    internal sealed record Binding(
        [property: JsonPropertyName("nodeName")] string? NodeName,
        [property: JsonPropertyName("diskUuid")] string? DiskUuid);
}

[JsonSerializable(typeof(NodeRegistryFile.Document))]
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, WriteIndented = true)]
internal sealed partial class NodeRegistryJsonContext : JsonSerializerContext;
