using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Kms;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Hardening.KeyService;

/// <summary>
/// The key service serves the join service only (mutual TLS, cluster CA, pinned subject), and the join service talks
/// only to the real key service. Each refused caller or server holds something an attacker could plausibly have.
/// </summary>
public sealed class KeyServiceAuthenticationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private ClusterCertificateAuthority _ca = null!;
    private SecuredKeyService _keyService = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _ca = ClusterCertificateAuthority.Create("kubernetes", Now);
        _keyService = await SecuredKeyService.StartAsync(new MasterSecretDataKeyProvider(MasterSecret.Generate()), NullLoggerFactory.Instance, _ca);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _keyService.DisposeAsync();
        _ca.Dispose();
    }

    private static GetDataKeyRequest MeasurementSecret => KeyServiceCallers.MeasurementSecret;

    [Test]
    public async Task The_join_service_with_its_certificate_gets_keys()
    {
        using var channel = _keyService.JoinServiceChannel();

        var response = await new API.APIClient(channel).GetDataKeyAsync(MeasurementSecret);

        response.DataKey.Length.Should().Be(32);
    }

    [Test]
    public async Task A_plain_h2c_client_is_refused()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(_keyService.Address);

        await Refused(channel);
    }

    [Test]
    public async Task A_tls_client_without_a_certificate_is_refused()
    {
        using var channel = AnyServerChannel(clientCertificate: null);

        await Refused(channel);
    }

    [Test]
    public async Task A_client_with_the_join_services_name_from_another_ca_is_refused()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", Now);
        using var certificate = KeyServiceIdentity.IssueJoinServiceCertificate(otherCa, Now);
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task A_client_with_a_kubelet_certificate_from_the_cluster_ca_is_refused()
    {
        using var certificate = Issue(key => _ca.SignKubeletCertificate(
            KubeletCsr.Parse(new CertificateRequest("CN=system:node:worker, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest()), Now));
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task A_client_presenting_the_key_services_own_server_certificate_is_refused()
    {
        // Right CA, but the key service's subject and only the server-authentication usage.
        using var certificate = KeyServiceIdentity.IssueKeyServiceCertificate(_ca, [IPAddress.Loopback], Now);
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task A_client_with_the_join_services_name_but_a_server_only_usage_is_refused()
    {
        using var certificate = Issue(key => _ca.SignServerCertificate(new X500DistinguishedName("CN=" + KeyServiceIdentity.JoinServiceName), key, [], Now));
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task A_client_with_an_expired_join_service_certificate_is_refused()
    {
        using var certificate = KeyServiceIdentity.IssueJoinServiceCertificate(_ca, Now.AddYears(-2));
        using var channel = AnyServerChannel(certificate);

        await Refused(channel);
    }

    [Test]
    public async Task A_key_service_behind_a_plain_endpoint_by_mistake_refuses_every_call()
    {
        using var caCertificate = _ca.Certificate;
        await using var misconfigured = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), PlainHttp2Transport.Instance, NullLoggerFactory.Instance,
            s =>
            {
                s.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(MasterSecret.Generate()));
                s.AddSingleton(KeyServiceIdentity.Callers(caCertificate));
            },
            app => app.MapGrpcService<KeyServiceApi>());
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(misconfigured.Address);

        var call = async () => await new API.APIClient(channel).GetDataKeyAsync(MeasurementSecret);

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unauthenticated);
    }

    [Test]
    public async Task The_join_service_refuses_a_key_service_with_a_certificate_from_another_ca()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", Now);
        await using var impostor = await SecuredKeyService.StartAsync(new MasterSecretDataKeyProvider(MasterSecret.Generate()), NullLoggerFactory.Instance, otherCa);
        using var channel = _keyService.JoinServiceChannels.CreateChannel(impostor.Address);

        var call = async () => await new KeyServiceClient(channel).GetDataKeyAsync(DataKeyId.MeasurementSecret, 32);

        await call.Should().ThrowAsync<KeyServiceException>();
    }

    [Test]
    public async Task The_join_service_refuses_a_server_with_a_kubelet_certificate_from_the_cluster_ca()
    {
        // A joined node's kubelet certificate carries the server-authentication usage too; it must not pass for the key service.
        using var kubelet = Issue(key => _ca.SignKubeletCertificate(
            KubeletCsr.Parse(new CertificateRequest("CN=system:node:rogue, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest()), Now));
        using var caCertificate = _ca.Certificate;
        await using var impostor = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0),
            new MutualTlsServerTransport(kubelet, KeyServiceIdentity.Callers(caCertificate)),
            NullLoggerFactory.Instance,
            s =>
            {
                s.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(MasterSecret.Generate()));
                s.AddSingleton(KeyServiceIdentity.Callers(caCertificate));
            },
            app => app.MapGrpcService<KeyServiceApi>());
        using var channel = _keyService.JoinServiceChannels.CreateChannel(impostor.Address);

        var call = async () => await new KeyServiceClient(channel).GetDataKeyAsync(DataKeyId.MeasurementSecret, 32);

        await call.Should().ThrowAsync<KeyServiceException>();
    }

    private static Task Refused(GrpcChannel channel) => KeyServiceCallers.RefusedAsync(channel, TimeSpan.FromSeconds(60));

    private GrpcChannel AnyServerChannel(X509Certificate2? clientCertificate) => KeyServiceCallers.AnyServerChannel(_keyService.Address, clientCertificate);

    private static X509Certificate2 Issue(Func<PublicKey, X509Certificate2> sign) =>
        Issue(key => sign(new CertificateRequest("CN=unused", key, HashAlgorithmName.SHA256).PublicKey));

    private static X509Certificate2 Issue(Func<ECDsa, X509Certificate2> sign)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = sign(key);
        return certificate.CopyWithPrivateKey(key);
    }
}
