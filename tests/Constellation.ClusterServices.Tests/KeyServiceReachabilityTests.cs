using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Protos.Kms;
using Constellation.Cluster.Tests.Hardening.KeyService;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.ClusterServices.Tests;

/// <summary>
/// The key service of the running <c>constellation-cluster-services</c> process hands keys to the join service's
/// identity only (mutual TLS, cluster CA, pinned name) and listens on loopback, not on the node's address. Each refused
/// caller holds something an attacker on the node or in the cluster could plausibly have.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class KeyServiceReachabilityTests
{
    private static readonly GetDataKeyRequest MeasurementSecret = KeyServiceCallers.MeasurementSecret;
    private RunningClusterServices _services = null!;

    [OneTimeSetUp]
    public async Task Start() => _services = await RunningClusterServices.StartAsync(Loopback.Address(1));

    [OneTimeTearDown]
    public async Task Stop() => await _services.DisposeAsync();

    [Test]
    public async Task The_join_service_identity_of_the_cluster_ca_gets_keys()
    {
        // The premise of every refusal below: the endpoint is the key service and it does serve its one caller.
        using var certificate = KeyServiceIdentity.IssueJoinServiceCertificate(_services.Ca, DateTimeOffset.UtcNow);
        using var ca = _services.CaCertificate();
        using var channel = KeyServiceIdentity.CreateClientChannels(certificate, ca).CreateChannel(_services.KeyServiceEndpoint);

        var response = await new API.APIClient(channel).GetDataKeyAsync(MeasurementSecret, deadline: DateTime.UtcNow.Add(RunningClusterServices.Bound));

        response.DataKey.Length.Should().Be(32);
    }

    [Test]
    public void The_key_service_listens_on_loopback_and_not_on_the_nodes_address()
    {
        var key = IPEndPoint.Parse(_services.KeyServiceEndpoint);
        key.Address.Should().Be(IPAddress.Loopback);
        IPEndPoint.Parse(_services.JoinEndpoint).Address.Should().Be(IPAddress.Parse(_services.Address));

        using var client = new TcpClient();
        var connect = () => client.Connect(IPAddress.Parse(_services.Address), key.Port);

        connect.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
    }

    [Test]
    public async Task A_plain_h2c_client_is_refused()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(_services.KeyServiceEndpoint);

        await Refused(channel);
    }

    [Test]
    public async Task A_tls_client_without_a_certificate_is_refused()
    {
        using var channel = AnyServerChannel(clientCertificate: null);

        await Refused(channel);
    }

    [Test]
    public async Task A_kubelet_certificate_of_the_cluster_ca_is_refused()
    {
        // What every joined node holds.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signed = _services.Ca.SignKubeletCertificate(
            KubeletCsr.Parse(new CertificateRequest("CN=system:node:worker, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest()), DateTimeOffset.UtcNow);
        using var certificate = signed.CopyWithPrivateKey(key);
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task The_join_services_name_from_another_ca_is_refused()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        using var certificate = KeyServiceIdentity.IssueJoinServiceCertificate(otherCa, DateTimeOffset.UtcNow);
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task An_attested_node_over_atls_is_refused()
    {
        // Attestation admits a node to the join service, never to the key service.
        using var channel = new AtlsGrpcChannelFactory(new Constellation.Atls.AtlsOptions { Issuer = _services.Issuer, AllowUnverifiedPeer = true }).CreateChannel(_services.KeyServiceEndpoint);

        await Refused(channel);
    }

    private static Task Refused(GrpcChannel channel) => KeyServiceCallers.RefusedAsync(channel, RunningClusterServices.Bound);

    private GrpcChannel AnyServerChannel(X509Certificate2? clientCertificate) => KeyServiceCallers.AnyServerChannel(_services.KeyServiceEndpoint, clientCertificate);
}
