using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.ClusterServices;

/// <summary>
/// The files the cluster services run from, created once when the cluster is initialised: the master secret
/// (<c>mastersecret.json</c>, 0600, what Constellation's key service reads from <c>/var/config/mastersecret</c>), the
/// cluster CA (<c>ca.crt</c>, and <c>ca.key</c> 0600, kubeadm's <c>/etc/kubernetes/pki</c>), and the node registry
/// (<c>node-registry.json</c>, 0600) seeded with the init node's own binding, so that no joining node can take the
/// first control plane's name before the join service serves anyone.
/// </summary>
public static class ClusterServicesState
{
    /// <summary>The master secret file.</summary>
    public const string MasterSecretFileName = "mastersecret.json";

    /// <summary>The cluster CA certificate (PEM).</summary>
    public const string CaCertificateFileName = "ca.crt";

    /// <summary>The cluster CA private key (PKCS#8 PEM, 0600).</summary>
    public const string CaKeyFileName = "ca.key";

    /// <summary>The node registry (name ↔ disk bindings, 0600).</summary>
    public const string NodeRegistryFileName = "node-registry.json";

    /// <summary>The etcd CA certificate (PEM): the cluster store's own CA, kubeadm's <c>pki/etcd/ca.crt</c>.</summary>
    public const string EtcdCaCertificateFileName = "etcd-ca.crt";

    /// <summary>The etcd CA private key (PKCS#8 PEM, 0600); control planes only.</summary>
    public const string EtcdCaKeyFileName = "etcd-ca.key";

    /// <summary>Creates the state in <paramref name="directory"/> (created 0700 if missing); existing files are never overwritten.</summary>
    /// <param name="directory">The cluster services' state directory.</param>
    /// <param name="masterSecret">The cluster's master secret.</param>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="initNodeName">The init node's name.</param>
    /// <param name="initNodeDisk">The init node's state disk.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every file is written.</returns>
    /// <exception cref="IOException">A file already exists (the cluster was initialised before) or cannot be written.</exception>
    public static async Task CreateAsync(
        string directory, MasterSecret masterSecret, ClusterCertificateAuthority ca, string initNodeName, StateDiskUuid initNodeDisk, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(masterSecret);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentException.ThrowIfNullOrEmpty(initNodeName);
        ArgumentNullException.ThrowIfNull(initNodeDisk);
        CreateDirectory(directory);
        await masterSecret.WriteFileAsync(Path.Combine(directory, MasterSecretFileName), cancellationToken).ConfigureAwait(false);
        await WriteCaAsync(directory, CaCertificateFileName, CaKeyFileName, ca, cancellationToken).ConfigureAwait(false);
        var registry = Path.Combine(directory, NodeRegistryFileName);
        if (File.Exists(registry))
        {
            throw new IOException($"{registry} already exists: the cluster services' state was created before");
        }

        NodeNameRegistry.Open(registry).Claim(initNodeName, initNodeDisk);
    }

    /// <summary>
    /// Writes the state of a cluster-services replica on a control plane that joined: the master secret read from the
    /// cluster store and the two CAs from its join ticket; no registry file (the replica's registry is the store's).
    /// </summary>
    /// <param name="directory">The replica's state directory (created 0700 if missing).</param>
    /// <param name="masterSecret">The cluster's master secret.</param>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="etcdCa">The etcd CA.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when every file is written.</returns>
    /// <exception cref="IOException">A file already exists or cannot be written.</exception>
    internal static async Task CreateReplicaAsync(string directory, MasterSecret masterSecret, ClusterCertificateAuthority ca, ClusterCertificateAuthority etcdCa, CancellationToken cancellationToken)
    {
        CreateDirectory(directory);
        await masterSecret.WriteFileAsync(Path.Combine(directory, MasterSecretFileName), cancellationToken).ConfigureAwait(false);
        await WriteCaAsync(directory, CaCertificateFileName, CaKeyFileName, ca, cancellationToken).ConfigureAwait(false);
        await WriteEtcdCaAsync(directory, etcdCa, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the etcd CA next to the cluster CA (the node that initialised the cluster, right after <see cref="CreateAsync"/>).</summary>
    internal static Task WriteEtcdCaAsync(string directory, ClusterCertificateAuthority etcdCa, CancellationToken cancellationToken) =>
        WriteCaAsync(directory, EtcdCaCertificateFileName, EtcdCaKeyFileName, etcdCa, cancellationToken);

    /// <summary>Reads the etcd CA, or <see langword="null"/> when this state has none (a cluster without a store).</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    internal static async Task<ClusterCertificateAuthority?> ReadEtcdCaAsync(string directory, CancellationToken cancellationToken)
    {
        var certificate = Path.Combine(directory, EtcdCaCertificateFileName);
        if (!File.Exists(certificate))
        {
            return null;
        }

        return ClusterCertificateAuthority.FromPem(
            await File.ReadAllTextAsync(certificate, cancellationToken).ConfigureAwait(false),
            await File.ReadAllTextAsync(Path.Combine(directory, EtcdCaKeyFileName), cancellationToken).ConfigureAwait(false));
    }

    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task WriteCaAsync(string directory, string certificateFile, string keyFile, ClusterCertificateAuthority ca, CancellationToken cancellationToken)
    {
        await SecretFile.WriteNewAsync(Path.Combine(directory, keyFile), Encoding.ASCII.GetBytes(ca.ExportPrivateKeyPem()), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, certificateFile), ca.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets whether <paramref name="directory"/> holds cluster services' state (this node initialised the cluster).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns><see langword="true"/> if the master secret and the CA are there.</returns>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, MasterSecretFileName)) && File.Exists(Path.Combine(directory, CaKeyFileName)) && File.Exists(Path.Combine(directory, CaCertificateFileName));
}
