using System.Net;
using System.Security.Cryptography;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Hardening.LocalCluster;

/// <summary>The local control plane's options are secure when nobody sets them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalClusterOptionsDefaultsTests
{
    [Test]
    public void A_default_constructed_options_object_does_not_select_plain_h2c_for_the_join_service()
    {
        var options = new LocalClusterOptions();

        options.JoinServiceTransport.Should().NotBeSameAs(PlainHttp2Transport.Instance);
        (options.JoinServiceTransport is PlainHttp2Transport).Should().BeFalse();
    }

    [Test]
    public void The_key_service_listens_on_loopback_unless_told_otherwise()
    {
        new LocalClusterOptions().KeyServiceListenAddress.Should().Be(IPAddress.Loopback);
        new BootstrapperNodeOptions().KeyServiceListenAddress.Should().Be(IPAddress.Loopback);
    }

    [Test]
    public void Options_with_neither_a_validator_nor_an_explicit_transport_are_refused()
    {
        var create = () => new LocalClusterMembership(
            new LocalClusterOptions { StateDirectory = "/nonexistent", NodeName = "n", StateDiskUuid = Guid.NewGuid().ToString() },
            NullLoggerFactory.Instance,
            TimeProvider.System);

        create.Should().Throw<ArgumentException>().WithMessage("*JoinServiceValidator*JoinServiceTransport*");
    }

    [Test]
    public async Task With_only_a_validator_the_join_service_requires_attested_clients()
    {
        var dir = Directory.CreateTempSubdirectory("defaults-").FullName;
        try
        {
            await using var cluster = new LocalClusterMembership(
                new LocalClusterOptions { StateDirectory = dir, NodeName = "init-node", StateDiskUuid = Guid.NewGuid().ToString(), JoinServiceValidator = new DummyValidator() },
                NullLoggerFactory.Instance,
                TimeProvider.System);
            await cluster.InitializeAsync(MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), "defaults");
            using var kubeletKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new IssueJoinTicketRequest
            {
                DiskUuid = Guid.NewGuid().ToString(),
                CertificateRequest = ByteString.CopyFrom(
                    new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=system:node:w, O=system:nodes", kubeletKey, HashAlgorithmName.SHA256).CreateSigningRequest()),
            };

            using var plain = PlainGrpcChannelFactory.Instance.CreateChannel(cluster.JoinServiceAddress!);
            var overPlain = async () => await new API.APIClient(plain).IssueJoinTicketAsync(request);
            await overPlain.Should().ThrowAsync<RpcException>();

            using var attested = new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true }).CreateChannel(cluster.JoinServiceAddress!);
            (await new API.APIClient(attested).IssueJoinTicketAsync(request)).KubeletCert.IsEmpty.Should().BeFalse();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
