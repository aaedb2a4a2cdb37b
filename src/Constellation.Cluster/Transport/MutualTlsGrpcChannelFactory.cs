using System;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Constellation.Cluster.Transport;

/// <summary>
/// gRPC channels over TLS 1.3 that present a client certificate from the cluster CA and accept only a server that
/// <paramref name="servers"/> accepts (the join service's channel to the key service).
/// </summary>
/// <param name="clientCertificate">The client's certificate with its private key (kept by the caller while channels are in use).</param>
/// <param name="servers">Who the server must be.</param>
public sealed class MutualTlsGrpcChannelFactory(X509Certificate2 clientCertificate, ClusterPeerPolicy servers) : IGrpcChannelFactory
{
    private readonly X509Certificate2 _clientCertificate = clientCertificate ?? throw new ArgumentNullException(nameof(clientCertificate));
    private readonly ClusterPeerPolicy _servers = servers ?? throw new ArgumentNullException(nameof(servers));

    /// <inheritdoc />
    public GrpcChannel CreateChannel(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return GrpcChannel.ForAddress(new Uri("https://" + endpoint), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                SslOptions = new SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

                    // Always this certificate, whatever CA list the server advertises.
                    LocalCertificateSelectionCallback = (_, _, _, _, _) => _clientCertificate,

                    // The server's identity is its pinned subject under the cluster CA; the host name (an IP) adds nothing.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && _servers.IsTrusted(AsCertificate2(certificate), out _),
                },
            },
            DisposeHttpClient = true,
        });
    }

    private static X509Certificate2 AsCertificate2(X509Certificate certificate) =>
        certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
