using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Protos.Vpn;
using Constellation.Cluster.Tests.Hardening.KeyService;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Vpn;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>The VPN API serves the cluster's nodes only, each for itself: every refused caller holds something an attacker could have.</summary>
public sealed class VpnApiAuthenticationTests
{
    private VpnApiServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await VpnApiServer.StartAsync(NullLoggerFactory.Instance);

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task A_plain_h2c_client_is_refused()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(_server.Address);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task A_tls_client_without_a_certificate_is_refused()
    {
        using var channel = KeyServiceCallers.AnyServerChannel(_server.Address, clientCertificate: null);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task A_kubelet_certificate_from_another_ca_is_refused()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        using var certificate = NodeCertificates.Kubelet(otherCa, "worker-0");
        using var channel = KeyServiceCallers.AnyServerChannel(_server.Address, certificate);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task A_cluster_ca_client_certificate_that_is_no_kubelet_identity_is_refused()
    {
        // The join service's certificate for the key service: right CA, client usage, but no node.
        using var certificate = KeyServiceIdentity.IssueJoinServiceCertificate(_server.Ca, DateTimeOffset.UtcNow);
        using var channel = KeyServiceCallers.AnyServerChannel(_server.Address, certificate);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task A_node_common_name_without_the_nodes_organization_is_refused()
    {
        using var certificate = NodeCertificates.Issue(key => _server.Ca.SignClientCertificate(
            new X500DistinguishedName("CN=system:node:worker-0"), new CertificateRequest("CN=unused", key, HashAlgorithmName.SHA256).PublicKey, DateTimeOffset.UtcNow));
        using var channel = KeyServiceCallers.AnyServerChannel(_server.Address, certificate);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task A_node_certificate_with_only_the_server_usage_is_refused()
    {
        using var certificate = NodeCertificates.Issue(key => _server.Ca.SignServerCertificate(
            new X500DistinguishedName("CN=system:node:worker-0, O=system:nodes"), new CertificateRequest("CN=unused", key, HashAlgorithmName.SHA256).PublicKey, [], DateTimeOffset.UtcNow));
        using var channel = KeyServiceCallers.AnyServerChannel(_server.Address, certificate);

        await RefusedAsync(channel);
    }

    [Test]
    public async Task The_vpn_api_behind_a_plain_endpoint_by_mistake_refuses_every_call()
    {
        using var caCertificate = _server.Ca.Certificate;
        await using var misconfigured = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), PlainHttp2Transport.Instance, NullLoggerFactory.Instance,
            s =>
            {
                s.AddSingleton<IVpnPeerDirectory>(new InMemoryVpnPeerDirectory());
                s.AddSingleton(ClusterPeerPolicy.Nodes(caCertificate));
            },
            app => app.MapGrpcService<VpnApi>());
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(misconfigured.Address);

        var call = async () => await new API.APIClient(channel).GetUpdateAsync(new GetUpdateRequest());

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unauthenticated);
    }

    [Test]
    public async Task A_node_cannot_publish_under_another_nodes_name()
    {
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "mallory");
        using var channel = _server.NodeChannel(certificate);

        var call = async () => await new API.APIClient(channel).PublishAsync(
            new PublishRequest { NodeName = "victim", VpnPubKey = NewKey(), PublicEndpoint = "192.0.2.7:51820" });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("\"mallory\"").And.Contain("\"victim\"");
        (await _server.Directory.GetPeersAsync()).Peers.Should().NotContain(p => p.NodeName == "victim" || p.NodeName == "mallory");
    }

    [Test]
    public async Task A_node_cannot_take_over_another_nodes_public_key()
    {
        var victimKey = NewKey();
        using var victim = NodeCertificates.Kubelet(_server.Ca, "key-owner");
        using var victimChannel = _server.NodeChannel(victim);
        await new API.APIClient(victimChannel).PublishAsync(new PublishRequest { VpnPubKey = victimKey, PublicEndpoint = "192.0.2.8:51820" });
        using var thief = NodeCertificates.Kubelet(_server.Ca, "key-thief");
        using var channel = _server.NodeChannel(thief);

        var call = async () => await new API.APIClient(channel).PublishAsync(new PublishRequest { VpnPubKey = victimKey, PublicEndpoint = "192.0.2.9:51820" });

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        (await _server.Directory.GetPeersAsync()).Peers.Should().ContainSingle(p => p.PublicKey == victimKey).Which.NodeName.Should().Be("key-owner");
    }

    [TestCase("")]
    [TestCase("not base64 at all, not base64 at all, not 44!")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    public async Task A_public_key_that_is_not_base64_of_32_bytes_is_refused(string key)
    {
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "bad-key");
        using var channel = _server.NodeChannel(certificate);

        var call = async () => await new API.APIClient(channel).PublishAsync(new PublishRequest { VpnPubKey = key, PublicEndpoint = "192.0.2.10:51820" });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("vpn_pub_key");
    }

    [TestCase("")]
    [TestCase("192.0.2.10")]
    [TestCase("node-1:51820")]
    [TestCase("192.0.2.10:0")]
    [TestCase("192.0.2.10:65536")]
    [TestCase("192.0.2.10:+5")]
    [TestCase("[2001:db8::1]:51820")]
    [TestCase("0.0.0.0:51820")]
    [TestCase("224.0.0.1:51820")]
    [TestCase("192.0.2.10:51820 peer X remove")]
    public async Task An_endpoint_that_is_not_ipv4_and_port_is_refused(string endpoint)
    {
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "bad-endpoint");
        using var channel = _server.NodeChannel(certificate);

        var call = async () => await new API.APIClient(channel).PublishAsync(new PublishRequest { VpnPubKey = NewKey(), PublicEndpoint = endpoint });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("public_endpoint");
        (await _server.Directory.GetPeersAsync()).Peers.Should().NotContain(p => p.NodeName == "bad-endpoint");
    }

    [Test]
    public async Task A_node_publishes_itself_by_its_certificate_name_and_sees_itself_in_the_update()
    {
        var key = NewKey();
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "honest-node");
        using var channel = _server.NodeChannel(certificate);
        var client = new API.APIClient(channel);

        var published = await client.PublishAsync(new PublishRequest { VpnPubKey = key, PublicEndpoint = "192.0.2.11:51820", NodeName = "honest-node" });
        var update = await client.GetUpdateAsync(new GetUpdateRequest { ResourceVersion = 0 });

        VpnAddressPool.Default.IsHostAddress(IPAddress.Parse(published.VpnIp)).Should().BeTrue();
        update.Changed.Should().BeTrue();
        update.Peers.Should().ContainSingle(p => p.NodeName == "honest-node").Which.Should().BeEquivalentTo(
            new Constellation.Cluster.Protos.Vpn.Peer { NodeName = "honest-node", VpnPubKey = key, PublicEndpoint = "192.0.2.11:51820", VpnIp = published.VpnIp });
    }

    [Test]
    public async Task An_update_with_the_current_version_carries_no_peers()
    {
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "poller");
        using var channel = _server.NodeChannel(certificate);
        var client = new API.APIClient(channel);
        await client.PublishAsync(new PublishRequest { VpnPubKey = NewKey(), PublicEndpoint = "192.0.2.12:51820" });
        var current = (await _server.Directory.GetPeersAsync()).Version;

        var update = await client.GetUpdateAsync(new GetUpdateRequest { ResourceVersion = current });

        update.Changed.Should().BeFalse();
        update.ResourceVersion.Should().Be(current);
        update.Peers.Should().BeEmpty();
    }

    [Test]
    public async Task A_node_refuses_a_vpn_api_server_whose_certificate_is_a_kubelet_certificate()
    {
        // A joined node's kubelet certificate has the server usage too; it must not pass for the VPN API.
        using var kubelet = NodeCertificates.Kubelet(_server.Ca, "rogue");
        using var caCertificate = _server.Ca.Certificate;
        await using var impostor = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), new MutualTlsServerTransport(kubelet, ClusterPeerPolicy.Nodes(caCertificate)), NullLoggerFactory.Instance,
            s =>
            {
                s.AddSingleton<IVpnPeerDirectory>(new InMemoryVpnPeerDirectory());
                s.AddSingleton(ClusterPeerPolicy.Nodes(caCertificate));
            },
            app => app.MapGrpcService<VpnApi>());
        using var certificate = NodeCertificates.Kubelet(_server.Ca, "careful-node");
        using var channel = _server.NodeChannels(certificate).CreateChannel(impostor.Address);

        var call = async () => await new API.APIClient(channel).GetUpdateAsync(new GetUpdateRequest());

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().BeOneOf(StatusCode.Unavailable, StatusCode.Internal);
        error.Status.DebugException.Should().NotBeNull().And.Match<Exception>(e => e.ToString().Contains("AuthenticationException"), "the TLS handshake fails on the server certificate");
    }

    private static string NewKey()
    {
        using var pair = WireGuardKeyPair.Generate();
        return pair.PublicKey;
    }

    private static async Task RefusedAsync(GrpcChannel channel)
    {
        var call = async () => await new API.APIClient(channel).PublishAsync(
            new PublishRequest { VpnPubKey = NewKey(), PublicEndpoint = "192.0.2.1:51820" }, deadline: DateTime.UtcNow.AddSeconds(60));

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().BeOneOf(StatusCode.Unavailable, StatusCode.Internal, StatusCode.Unauthenticated, StatusCode.PermissionDenied);
    }
}
