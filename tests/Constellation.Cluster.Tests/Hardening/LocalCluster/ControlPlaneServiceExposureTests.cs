using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using JoinApi = Constellation.Cluster.Protos.Join.API;
using JoinRequest = Constellation.Cluster.Protos.Join.IssueJoinTicketRequest;
using JoinResponse = Constellation.Cluster.Protos.Join.IssueJoinTicketResponse;
using KmsApi = Constellation.Cluster.Protos.Kms.API;
using KmsRequest = Constellation.Cluster.Protos.Kms.GetDataKeyRequest;

namespace Constellation.Cluster.Tests.Hardening.LocalCluster;

/// <summary>
/// An initialised control-plane node whose endpoints listen on a non-loopback "public" address (127.0.0.2), attacked
/// from outside and by an attested node: the key service is not on the public address, refuses every caller but the
/// join service, the init node's name cannot be taken by a joining node, and only admitted names get the
/// control-plane files.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public sealed class ControlPlaneServiceExposureTests
{
    private static readonly IPAddress PublicAddress = IPAddress.Parse("127.0.0.2");
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private static readonly AtlsOptions AttestedJoiner = new() { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true };
    private string _dir = null!;
    private BootstrapperNode _node = null!;
    private MasterSecret _master = null!;

    [OneTimeSetUp]
    public async Task StartAndInit()
    {
        _dir = Directory.CreateTempSubdirectory("exposure-").FullName;
        var options = new BootstrapperNodeOptions
        {
            NodeName = "cp-0",
            StateDirectory = Path.Combine(_dir, "cp-0"),
            ListenAddress = PublicAddress,
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            MetadataFile = Path.Combine(_dir, "metadata"),
        };
        options.ControlPlaneNodeNames.Add("cp-1");
        _node = await BootstrapperNode.StartAsync(
            options, new DummyIssuer(), new InMemoryClusterIdRegister(), NodeTransports.Attested(new DummyIssuer(), new DummyValidator()),
            new MetadataFileJoinEndpointSource(Path.Combine(_dir, "no-endpoints")), NullLoggerFactory.Instance, TimeProvider.System);
        _master = MasterSecret.Generate();
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [new DummyValidator()] }).CreateChannel(_node.InitAddress);
        await InitClient.InitAsync(channel, _master, RandomNumberGenerator.GetBytes(32), InitSecret, "exposure").WaitAsync(TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string KeyServiceAddress => _node.Cluster.KeyServiceAddress!;

    [Test]
    public void The_key_service_does_not_listen_on_the_nodes_public_address()
    {
        var endpoint = IPEndPoint.Parse(KeyServiceAddress);

        endpoint.Address.Should().NotBe(PublicAddress);
        IPAddress.IsLoopback(endpoint.Address).Should().BeTrue();
        _node.JoinServiceAddress.Should().StartWith(PublicAddress + ":", "the join service is what nodes dial");
    }

    [Test]
    public async Task A_plain_client_gets_no_key_from_the_key_service()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(KeyServiceAddress);

        var call = async () => await new KmsApi.APIClient(channel).GetDataKeyAsync(new KmsRequest { DataKeyId = "measurementSecret", Length = 32 });

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task A_tls_client_without_a_certificate_gets_no_key_from_the_key_service()
    {
        using var channel = TlsChannel(KeyServiceAddress, clientCertificate: null);

        var call = async () => await new KmsApi.APIClient(channel).GetDataKeyAsync(new KmsRequest { DataKeyId = "measurementSecret", Length = 32 });

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task A_client_certificate_with_the_join_services_name_from_another_ca_gets_no_key()
    {
        using var foreignCa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=kubernetes", foreignCa, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var caCertificate = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=constellation-join-service", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(caCertificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);
        using var withKey = issued.CopyWithPrivateKey(key);
        using var channel = TlsChannel(KeyServiceAddress, withKey);

        var call = async () => await new KmsApi.APIClient(channel).GetDataKeyAsync(new KmsRequest { DataKeyId = "measurementSecret", Length = 32 });

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task An_attested_node_presenting_its_kubelet_certificate_from_the_cluster_ca_gets_no_key()
    {
        // A joined worker holds a certificate from the cluster CA with the client-auth usage: its kubelet certificate.
        using var kubeletKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ticket = await JoinAsync("intruder", controlPlane: false, kubeletKey);
        using var kubelet = X509Certificate2.CreateFromPem(ticket.KubeletCert.ToStringUtf8());
        using var withKey = kubelet.CopyWithPrivateKey(kubeletKey);
        using var channel = TlsChannel(KeyServiceAddress, withKey);

        var call = async () => await new KmsApi.APIClient(channel).GetDataKeyAsync(new KmsRequest { DataKeyId = "measurementSecret", Length = 32 });

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task Another_attested_node_cannot_take_the_init_nodes_name()
    {
        var call = async () => await JoinAsync("cp-0", controlPlane: false);

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied);
    }

    [Test]
    public async Task A_worker_asking_the_join_service_for_the_control_plane_files_is_refused()
    {
        var call = async () => await JoinAsync("worker-7", controlPlane: true);

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied);
    }

    [Test]
    public async Task A_node_the_control_plane_admits_by_name_gets_the_control_plane_files()
    {
        var ticket = await JoinAsync("cp-1", controlPlane: true);

        ticket.ControlPlaneFiles.Select(f => f.Name).Should().Contain("ca.key");
    }

    /// <summary>Asks the join service for a ticket as an attested node with a fresh disk.</summary>
    private async Task<JoinResponse> JoinAsync(string name, bool controlPlane, ECDsa? kubeletKey = null)
    {
        using var join = new AtlsGrpcChannelFactory(AttestedJoiner).CreateChannel(_node.JoinServiceAddress!);
        using var ownKey = kubeletKey is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var key = kubeletKey ?? ownKey!;
        var csr = new CertificateRequest($"CN=system:node:{name}, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        return await new JoinApi.APIClient(join).IssueJoinTicketAsync(
            new JoinRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(csr), IsControlPlane = controlPlane });
    }

    private static GrpcChannel TlsChannel(string address, X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress(new Uri("https://" + address), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                    // The attacker accepts any server; what is tested is whether the server accepts the attacker.
#pragma warning disable CA5359 // deliberately an attacker's client
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                },
            },
            DisposeHttpClient = true,
        });
}
