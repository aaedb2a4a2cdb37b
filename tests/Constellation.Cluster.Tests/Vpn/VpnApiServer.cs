using System.Net;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Vpn;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>The VPN API on loopback behind node-certificate mutual TLS, over an in-memory directory, with its own cluster CA.</summary>
internal sealed class VpnApiServer : IAsyncDisposable
{
    private readonly ServiceHost _host;
    private readonly X509Certificate2 _serverCertificate;

    private VpnApiServer(ServiceHost host, X509Certificate2 serverCertificate, ClusterCertificateAuthority ca, InMemoryVpnPeerDirectory directory)
    {
        _host = host;
        _serverCertificate = serverCertificate;
        Ca = ca;
        Directory = directory;
    }

    public ClusterCertificateAuthority Ca { get; }

    public InMemoryVpnPeerDirectory Directory { get; }

    public string Address => _host.Address;

    public static async Task<VpnApiServer> StartAsync(ILoggerFactory loggerFactory)
    {
        var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var directory = new InMemoryVpnPeerDirectory();
        using var caCertificate = ca.Certificate;
        var serverCertificate = VpnApiIdentity.IssueServerCertificate(ca, [IPAddress.Loopback], DateTimeOffset.UtcNow);
        var nodes = ClusterPeerPolicy.Nodes(caCertificate);
        var host = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0),
            VpnApiIdentity.CreateServerTransport(serverCertificate, caCertificate),
            loggerFactory,
            s =>
            {
                s.AddSingleton<IVpnPeerDirectory>(directory);
                s.AddSingleton(nodes);
            },
            app => app.MapGrpcService<VpnApi>());
        return new VpnApiServer(host, serverCertificate, ca, directory);
    }

    /// <summary>Channels as node <paramref name="nodeName"/> makes them (its kubelet certificate, the server checked).</summary>
    public IGrpcChannelFactory NodeChannels(X509Certificate2 nodeCertificate)
    {
        using var caCertificate = Ca.Certificate;
        return VpnApiIdentity.CreateClientChannels(nodeCertificate, caCertificate);
    }

    public GrpcChannel NodeChannel(X509Certificate2 nodeCertificate) => NodeChannels(nodeCertificate).CreateChannel(Address);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _serverCertificate.Dispose();
        Ca.Dispose();
    }
}
