using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.Kubernetes;

/// <summary>
/// What a joined node installs from its ticket (kubeadm join's files): <c>kubelet.crt</c>, <c>kubelet.key</c> (0600) and,
/// on control planes, the control-plane files under <c>pki/</c> (0600), in the node's state directory.
/// </summary>
public static class KubeletFiles
{
    /// <summary>Writes the files; existing key files are never overwritten.</summary>
    /// <param name="stateDirectory">The node's state directory.</param>
    /// <param name="ticket">The applied ticket.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when every file is written.</returns>
    /// <exception cref="ArgumentException">The certificate has no ECDSA private key, or a control-plane file name is not a plain file name.</exception>
    public static async Task WriteAsync(string stateDirectory, KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.KubeletCertificate.HasPrivateKey)
        {
            throw new ArgumentException("kubelet certificate: expected the node's private key alongside", nameof(ticket));
        }

        Directory.CreateDirectory(stateDirectory);
        var pki = Path.Combine(stateDirectory, "pki");
        Directory.CreateDirectory(pki);
        await File.WriteAllTextAsync(Path.Combine(stateDirectory, "kubelet.crt"), ticket.KubeletCertificate.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        using (var key = ticket.KubeletCertificate.GetECDsaPrivateKey() ?? throw new ArgumentException("kubelet key: expected ECDSA", nameof(ticket)))
        {
            await SecretFile.WriteNewAsync(Path.Combine(stateDirectory, "kubelet.key"), Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in ticket.ControlPlaneFiles)
        {
            var name = Path.GetFileName(file.Name);
            if (name.Length == 0 || name != file.Name)
            {
                throw new ArgumentException($"control-plane file name: expected a plain file name, got \"{file.Name}\"", nameof(ticket));
            }

            await SecretFile.WriteNewAsync(Path.Combine(pki, name), file.Data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the files of the node that initialised the cluster, which has no ticket: a kubelet certificate it issues
    /// itself with the cluster CA (its own P-256 key, subject <c>CN=system:node:&lt;name&gt;, O=system:nodes</c>, client
    /// authentication) and the CA certificate under <c>pki/</c>, so it reaches the VPN API like every other node.
    /// </summary>
    /// <param name="stateDirectory">The node's state directory.</param>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="now">The certificate's start.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when the files are written.</returns>
    internal static async Task WriteSelfIssuedAsync(string stateDirectory, JoinService.Join.ClusterCertificateAuthority ca, string nodeName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var certificate = KeyService.KeyServiceIdentity.Issue(key => ca.SignClientCertificate(
            new X500DistinguishedName($"CN={JoinService.Join.KubeletCsr.NodeCommonNamePrefix}{nodeName}, O={JoinService.Join.KubeletCsr.NodesOrganization}"), key, now));
        await WriteAsync(
            stateDirectory,
            new KubernetesJoinMaterial(nodeName, string.Empty, string.Empty, ca.DiscoveryTokenCaCertHash, certificate, [new JoinService.Join.ControlPlaneFile(CaCertificateFileName, Encoding.ASCII.GetBytes(ca.ExportCertificatePem()))]),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cluster CA certificate under <c>pki/</c> (every node's, from its ticket).</summary>
    internal const string CaCertificateFileName = "ca.crt";

    /// <summary>Reads the node's kubelet certificate with its key, and the cluster CA certificate, as <see cref="WriteAsync"/> wrote them.</summary>
    /// <exception cref="IOException">A file is missing or unreadable.</exception>
    internal static async Task<(X509Certificate2 Node, X509Certificate2 Ca)> ReadAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        var certificate = await File.ReadAllTextAsync(Path.Combine(stateDirectory, "kubelet.crt"), cancellationToken).ConfigureAwait(false);
        var key = await File.ReadAllTextAsync(Path.Combine(stateDirectory, "kubelet.key"), cancellationToken).ConfigureAwait(false);
        var ca = await File.ReadAllTextAsync(Path.Combine(stateDirectory, "pki", CaCertificateFileName), cancellationToken).ConfigureAwait(false);
        using var pem = X509Certificate2.CreateFromPem(certificate, key);
        return (X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null), X509Certificate2.CreateFromPem(ca));
    }
}
