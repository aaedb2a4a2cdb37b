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
}
