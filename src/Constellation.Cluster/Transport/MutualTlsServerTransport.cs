using System;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Constellation.Cluster.Transport;

/// <summary>
/// TLS 1.3 with a required client certificate on an HTTP/2 endpoint: the server presents its certificate from the
/// cluster CA and completes the handshake only with a client that <paramref name="clients"/> accepts.
/// </summary>
/// <param name="serverCertificate">The server's certificate with its private key (kept by the caller for the server's lifetime).</param>
/// <param name="clients">Who may connect.</param>
public sealed class MutualTlsServerTransport(X509Certificate2 serverCertificate, ClusterPeerPolicy clients) : IServerTransport
{
    private readonly X509Certificate2 _serverCertificate = serverCertificate ?? throw new ArgumentNullException(nameof(serverCertificate));
    private readonly ClusterPeerPolicy _clients = clients ?? throw new ArgumentNullException(nameof(clients));

    /// <inheritdoc />
    public string Description => $"mutual TLS (clients: {_clients})";

    /// <inheritdoc />
    public void Configure(ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http2;
        listenOptions.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _serverCertificate,
            SslProtocols = SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            CheckCertificateRevocation = false,

            // The platform's verdict (chainErrors) is about the system trust store, which does not hold the cluster CA.
            ClientCertificateValidation = (certificate, _, _) => _clients.IsTrusted(certificate, out _),
        });
    }
}
