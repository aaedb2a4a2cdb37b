using System.Net;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests;

/// <summary>A key service on loopback behind mutual TLS with a cluster CA, and the join service's credential for it.</summary>
internal sealed class SecuredKeyService : IAsyncDisposable
{
    private readonly X509Certificate2 _serverCertificate;
    private readonly X509Certificate2 _clientCertificate;

    private SecuredKeyService(ServiceHost host, ClusterCertificateAuthority ca, X509Certificate2 serverCertificate, X509Certificate2 clientCertificate)
    {
        Host = host;
        Ca = ca;
        _serverCertificate = serverCertificate;
        _clientCertificate = clientCertificate;
        using var caCertificate = ca.Certificate;
        JoinServiceChannels = KeyServiceIdentity.CreateClientChannels(clientCertificate, caCertificate);
    }

    public ServiceHost Host { get; }

    public string Address => Host.Address;

    /// <summary>Gets the cluster CA (not disposed by this object: the caller owns it).</summary>
    public ClusterCertificateAuthority Ca { get; }

    /// <summary>Gets channels that authenticate as the join service and check the key service.</summary>
    public IGrpcChannelFactory JoinServiceChannels { get; }

    public static async Task<SecuredKeyService> StartAsync(IDataKeyProvider keys, ILoggerFactory loggers, ClusterCertificateAuthority ca)
    {
        var now = DateTimeOffset.UtcNow;
        var serverCertificate = KeyServiceIdentity.IssueKeyServiceCertificate(ca, [IPAddress.Loopback], now);
        var clientCertificate = KeyServiceIdentity.IssueJoinServiceCertificate(ca, now);
        using var caCertificate = ca.Certificate;
        var callers = KeyServiceIdentity.Callers(caCertificate);
        var host = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0),
            KeyServiceIdentity.CreateServerTransport(serverCertificate, caCertificate),
            loggers,
            s =>
            {
                s.AddSingleton(keys);
                s.AddSingleton(callers);
            },
            app => app.MapGrpcService<KeyServiceApi>());
        return new SecuredKeyService(host, ca, serverCertificate, clientCertificate);
    }

    public GrpcChannel JoinServiceChannel() => JoinServiceChannels.CreateChannel(Address);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _serverCertificate.Dispose();
        _clientCertificate.Dispose();
    }
}
