using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// <c>&lt;dir&gt;/mini-state.json</c>: everything <c>mini</c> made outside the cluster directory or that outlives the
/// CLI (namespaces, host interfaces, every process by PID and start time), rewritten (atomically) before each thing is
/// made, so <c>mini down</c> removes exactly that even after a crash.
/// </summary>
internal sealed class MiniClusterState
{
    public const string FileName = "mini-state.json";

    public string Variant { get; set; } = string.Empty;

    /// <summary>Gets or sets whether the variant's nodes run on a software TPM each (and get a measured launch).</summary>
    public bool MeasuredLaunch { get; set; }

    /// <summary>Gets or sets the bootstrapper directory the cluster's expected measurements were computed from.</summary>
    public string BootstrapperDirectory { get; set; } = string.Empty;

    public MiniNetwork Network { get; set; } = new();

    /// <summary>Gets or sets the VM settings when every node is a QEMU VM (<c>mini up --qemu</c>); null for process nodes.</summary>
    public MiniVmSettings? Vm { get; set; }

    public List<MiniNodeRecord> Nodes { get; set; } = [];

    public static string PathIn(string root) => Path.Combine(root, FileName);

    public static MiniClusterState? Read(string root)
    {
        var path = PathIn(root);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = InputFile.ReadBytes(path, "mini state", InputCap.ConfigFile);
        return JsonSerializer.Deserialize(bytes, MiniClusterStateJsonContext.Default.MiniClusterState) ?? throw new JsonException($"{path}: empty state");
    }

    public MiniNodeRecord Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new UnusableInputException($"node {name}: not in this cluster (nodes: {string.Join(", ", Nodes.Select(n => n.Name))})", "see `constellation mini status`");

    public string NextNodeName() => "node-" + Nodes.Count.ToString(CultureInfo.InvariantCulture);

    public async Task WriteAsync(string root, CancellationToken cancellationToken)
    {
        var path = PathIn(root);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(this, MiniClusterStateJsonContext.Default.MiniClusterState), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>One node as recorded: where it lives and which processes are its.</summary>
internal sealed class MiniNodeRecord
{
    public string Name { get; set; } = string.Empty;

    public int Index { get; set; }

    public bool ControlPlane { get; set; }

    public string Address { get; set; } = string.Empty;

    public string? Namespace { get; set; }

    /// <summary>Gets or sets the published bootstrapper directory this node boots (and is measured from).</summary>
    public string BootstrapperDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the one control plane this node joins through (<c>mini add --join-via</c>); null: every other control plane, in turn.</summary>
    public string? JoinVia { get; set; }

    public DetachedProcess? Swtpm { get; set; }

    /// <summary>Gets or sets the node's main process: its <c>constellation-bootstrapper</c>, or for a VM node its QEMU.</summary>
    public DetachedProcess? Bootstrapper { get; set; }

    /// <summary>Gets or sets the VM image directory this node boots (VM nodes: the base image its cluster image was composed from).</summary>
    public string? VmImage { get; set; }

    /// <summary>Gets or sets when the bootstrapper was last started (log lines before it belong to an earlier start).</summary>
    public DateTime StartedUtc { get; set; }

    public string Role => ControlPlane ? "control-plane" : "worker";

    /// <summary>Gets or sets whether the node was removed for good (<c>mini remove</c>; its name is not reused).</summary>
    public bool Removed { get; set; }

    public string InitEndpoint => $"{Address}:9000";

    public string VerifyEndpoint => $"{Address}:30081";

    public string JoinEndpoint => $"{Address}:30090";

    public string RecoveryEndpoint => $"{Address}:9999";

    /// <summary>Gets the admin API (control planes of a cluster on the store).</summary>
    public string AdminEndpoint => $"{Address}:30092";
}

/// <summary>The files of a cluster directory.</summary>
internal static class MiniLayout
{
    public static string BootConfiguration(string root) => Path.Combine(root, "boot", "bootstrapper.json");

    public static string JoinConfig(string root) => Path.Combine(root, "join-config");

    public static string ConfigFile(string root) => Path.Combine(root, Attestation.Config.ConstellationConfigFile.DefaultFileName);

    public static string InitSecret(string root) => Path.Combine(root, "init-secret");

    public static string NodeDirectory(string root, string node) => Path.Combine(root, "nodes", node);

    public static string StateDirectory(string root, string node) => Path.Combine(NodeDirectory(root, node), "state");

    public static string TpmDirectory(string root, string node) => Path.Combine(NodeDirectory(root, node), "tpm");

    public static string TpmSocket(string root, string node) => Path.Combine(TpmDirectory(root, node), "sock");

    public static string EventLog(string root, string node) => Path.Combine(NodeDirectory(root, node), "event-log.bin");

    public static string BootstrapperLog(string root, string node) => Path.Combine(NodeDirectory(root, node), "bootstrapper.log");

    public static string SwtpmLog(string root, string node) => Path.Combine(NodeDirectory(root, node), "swtpm.log");

    public static string StatusFile(string root, string node) => Path.Combine(StateDirectory(root, node), "status.json");

    /// <summary>A VM node's serial console (its bootstrapper's log, the status lines of its <c>/init</c>): the same file name as a process node's log.</summary>
    public static string Console(string root, string node) => BootstrapperLog(root, node);

    /// <summary>A VM node's QEMU log (its own messages, not the guest's).</summary>
    public static string QemuLog(string root, string node) => Path.Combine(NodeDirectory(root, node), "qemu.log");

    /// <summary>A VM node's state disk (raw, virtio <c>/dev/vda</c> in the guest).</summary>
    public static string StateDiskImage(string root, string node) => Path.Combine(NodeDirectory(root, node), "state-disk.img");

    /// <summary>A VM node's metadata disk (raw, virtio <c>/dev/vdb</c>: a tar of its per-node settings).</summary>
    public static string MetadataDisk(string root, string node) => Path.Combine(NodeDirectory(root, node), "metadata.img");

    /// <summary>The cluster's VM images, composed from a base image and the cluster's boot configuration (one directory per base image).</summary>
    public static string VmImages(string root) => Path.Combine(root, "vm-images");

    /// <summary>The key <c>mini</c> signs the cluster's image measurements with (ECDSA P-256, PKCS#8 PEM, 0600), and its public half.</summary>
    public static string ImageSigningKey(string root) => Path.Combine(root, "image-signing-key.pem");

    public static string ImageSigningPublicKey(string root) => Path.Combine(root, "image-signing-key.pub.pem");
}
