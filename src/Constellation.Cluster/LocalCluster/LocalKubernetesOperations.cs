using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.LocalCluster;

/// <summary>
/// Kubernetes operations for the local one-machine cluster: an in-process cluster CA and token registry stand in
/// for kubeadm and the API server. Nodes "join" by presenting a live token (<see cref="TryRedeemToken"/>).
/// </summary>
/// <remarks>Thread-safe. Owns the CA; dispose to release its key.</remarks>
public sealed class LocalKubernetesOperations : IKubernetesOperations, IDisposable
{
    private readonly ClusterCertificateAuthority _ca;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, BootstrapToken> _tokens = new(StringComparer.Ordinal);
    private IReadOnlyList<ControlPlaneFile> _storeFiles = [];

    /// <summary>Creates the operations around a cluster CA (taken over).</summary>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="apiServerEndpoint">The endpoint reported to joining nodes.</param>
    /// <param name="time">The clock.</param>
    public LocalKubernetesOperations(ClusterCertificateAuthority ca, string apiServerEndpoint, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentException.ThrowIfNullOrEmpty(apiServerEndpoint);
        ArgumentNullException.ThrowIfNull(time);
        _ca = ca;
        _time = time;
        ApiServerEndpoint = apiServerEndpoint;
    }

    /// <inheritdoc />
    public string ApiServerEndpoint { get; }

    /// <inheritdoc />
    public string DiscoveryTokenCaCertHash => _ca.DiscoveryTokenCaCertHash;

    /// <summary>Gets the cluster CA certificate.</summary>
    public X509Certificate2 CaCertificate => _ca.Certificate;

    /// <inheritdoc />
    public ValueTask<BootstrapToken> CreateBootstrapTokenAsync(TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            var token = BootstrapToken.Generate(_time.GetUtcNow(), lifetime);
            if (_tokens.TryAdd(token.Id, token))
            {
                return ValueTask.FromResult(token);
            }
        }
    }

    /// <summary>Accepts a bootstrap token once if it is registered and not expired (what the API server does on kubeadm join).</summary>
    /// <param name="token">The full token.</param>
    /// <returns><see langword="true"/> if the token was live; it is then consumed.</returns>
    public bool TryRedeemToken(string token)
    {
        if (!BootstrapToken.IsWellFormed(token) || !_tokens.TryGetValue(token[..6], out var known))
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known.Value), Encoding.ASCII.GetBytes(token))
            || known.Expires <= _time.GetUtcNow())
        {
            return false;
        }

        return _tokens.TryRemove(new KeyValuePair<string, BootstrapToken>(known.Id, known));
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignKubeletCertificateAsync(KubeletCsr csr, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var certificate = _ca.SignKubeletCertificate(csr, _time.GetUtcNow());
        return ValueTask.FromResult(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ControlPlaneFile>> GetControlPlaneFilesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<ControlPlaneFile> files =
        [
            new ControlPlaneFile("ca.crt", Encoding.ASCII.GetBytes(_ca.ExportCertificatePem())),
            new ControlPlaneFile("ca.key", Encoding.ASCII.GetBytes(_ca.ExportPrivateKeyPem())),
            .. _storeFiles,
        ];
        return ValueTask.FromResult(files);
    }

    /// <summary>
    /// Adds the cluster store's CA (<c>etcd-ca.crt</c>, <c>etcd-ca.key</c>) to the control-plane files, as kubeadm hands
    /// <c>pki/etcd/ca.*</c> to joining control planes: they run an etcd member and a cluster-services replica.
    /// </summary>
    /// <param name="etcdCa">The etcd CA.</param>
    internal void AddStoreCertificateAuthority(ClusterCertificateAuthority etcdCa) =>
        _storeFiles =
        [
            new ControlPlaneFile(ClusterServices.ClusterServicesState.EtcdCaCertificateFileName, Encoding.ASCII.GetBytes(etcdCa.ExportCertificatePem())),
            new ControlPlaneFile(ClusterServices.ClusterServicesState.EtcdCaKeyFileName, Encoding.ASCII.GetBytes(etcdCa.ExportPrivateKeyPem())),
        ];

    /// <summary>Writes an admin kubeconfig for this cluster: the CA, the API server and a client certificate for <c>kubernetes-admin</c> in <c>system:masters</c>.</summary>
    /// <param name="clusterName">The cluster name.</param>
    /// <returns>The kubeconfig YAML (contains a private key: a secret).</returns>
    public byte[] CreateAdminKubeconfig(string clusterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = new CertificateRequest("CN=kubernetes-admin", key, HashAlgorithmName.SHA256).PublicKey;
        using var certificate = _ca.SignClientCertificate(new X500DistinguishedName("CN=kubernetes-admin, O=system:masters"), publicKey, _time.GetUtcNow());
        var user = $"{clusterName}-admin";
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {clusterName}
              cluster:
                server: https://{ApiServerEndpoint}
                certificate-authority-data: {B64(_ca.ExportCertificatePem())}
            users:
            - name: {user}
              user:
                client-certificate-data: {B64(certificate.ExportCertificatePem())}
                client-key-data: {B64(key.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: {user}@{clusterName}
              context:
                cluster: {clusterName}
                user: {user}
            current-context: {user}@{clusterName}

            """;
        return Encoding.UTF8.GetBytes(yaml);
    }

    /// <inheritdoc />
    public void Dispose() => _ca.Dispose();

    private static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
}
