using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>
/// A control-plane process's connection to the cluster store: a client certificate freshly issued by the etcd CA (kept
/// in memory only) and the store client over the members' endpoints. Disposing closes the client and the certificate.
/// </summary>
internal sealed class EtcdConnection : IAsyncDisposable
{
    private readonly X509Certificate2 _clientCertificate;
    private readonly X509Certificate2 _caCertificate;

    private EtcdConnection(EtcdClusterStore store, X509Certificate2 clientCertificate, X509Certificate2 caCertificate)
    {
        Store = store;
        _clientCertificate = clientCertificate;
        _caCertificate = caCertificate;
    }

    /// <summary>Gets the store.</summary>
    public EtcdClusterStore Store { get; }

    /// <summary>Connects (lazily: no call is made here) to <paramref name="endpoints"/> with a certificate of <paramref name="etcdCa"/>.</summary>
    /// <param name="etcdCa">The etcd CA (control planes hold its key).</param>
    /// <param name="endpoints">The members' client endpoints, <c>IP:port</c>.</param>
    /// <param name="now">The certificate's start.</param>
    /// <returns>The connection.</returns>
    public static EtcdConnection Open(ClusterCertificateAuthority etcdCa, IReadOnlyList<string> endpoints, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(etcdCa);
        var client = EtcdIdentity.IssueClientCertificate(etcdCa, now);
        var ca = etcdCa.Certificate;
        return new EtcdConnection(new EtcdClusterStore(new EtcdStoreOptions { Endpoints = endpoints, ClientCertificate = client, ClusterCa = ca }), client, ca);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        _clientCertificate.Dispose();
        _caCertificate.Dispose();
    }
}
