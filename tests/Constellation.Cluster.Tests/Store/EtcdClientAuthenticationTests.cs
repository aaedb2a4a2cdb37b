using System.Net;
using System.Text;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using FluentAssertions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// An etcd member serves only clients with a certificate from the cluster CA, and a client talks only to a member whose
/// certificate the cluster CA issued: no certificate, another CA's certificate, or a server from another CA are refused,
/// with a <see cref="ClusterException"/> that names the endpoint and the operation.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class EtcdClientAuthenticationTests
{
    private EtcdTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartMember() => _cluster = await EtcdTestCluster.StartAsync(1);

    [OneTimeTearDown]
    public async Task StopMember() => await _cluster.DisposeAsync();

    [Test]
    public async Task A_client_with_a_certificate_from_another_CA_is_refused()
    {
        using var foreignCa = ClusterCertificateAuthority.Create("foreign-ca", DateTimeOffset.UtcNow);
        using var foreign = EtcdIdentity.IssueClientCertificate(foreignCa, DateTimeOffset.UtcNow);
        await using var client = _cluster.Client(certificate: foreign, operationTimeout: TimeSpan.FromSeconds(1));

        var write = () => client.CommitAsync([], [StoreOperation.Put(StoreKeys.Root + "foreign", [1])], CancellationToken.None);

        var refused = await write.Should().ThrowAsync<ClusterException>();
        refused.Which.Message.Should().Contain(_cluster.Endpoints[0]).And.Contain("transaction on /constellation/foreign");
        (await _cluster.Client().GetAsync(StoreKeys.Root + "foreign", CancellationToken.None)).Should().BeNull("nothing was written");
    }

    [Test]
    public async Task A_client_without_a_certificate_is_refused()
    {
        // A certificate without its private key cannot be presented: the TLS handshake goes out without a client certificate.
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(_cluster.ClientCertificate.RawData);
        await using var client = _cluster.Client(certificate: publicOnly, operationTimeout: TimeSpan.FromSeconds(1));

        var read = () => client.GetAsync(StoreKeys.Root + "anything", CancellationToken.None);

        (await read.Should().ThrowAsync<ClusterException>()).Which.Message.Should().Contain(_cluster.Endpoints[0]).And.Contain("read /constellation/anything");
    }

    [Test]
    public async Task A_client_refuses_a_member_whose_certificate_another_CA_issued()
    {
        using var foreignCa = ClusterCertificateAuthority.Create("foreign-ca", DateTimeOffset.UtcNow);
        await using var client = new EtcdClusterStore(new EtcdStoreOptions
        {
            Endpoints = _cluster.Endpoints,
            ClientCertificate = _cluster.ClientCertificate,
            ClusterCa = foreignCa.Certificate,
            OperationTimeout = TimeSpan.FromSeconds(1),
        });

        var read = () => client.GetAsync(StoreKeys.Root + "anything", CancellationToken.None);

        (await read.Should().ThrowAsync<ClusterException>()).Which.Message.Should().Contain(_cluster.Endpoints[0]);
    }

    [Test]
    public async Task A_client_with_the_cluster_certificate_writes_and_reads_back()
    {
        await using var client = _cluster.Client();
        var key = StoreKeys.Root + "round-trip/" + Guid.NewGuid().ToString("N");

        (await client.CommitAsync([StoreCondition.Absent(key)], [StoreOperation.Put(key, Encoding.UTF8.GetBytes("value"))], CancellationToken.None)).Should().BeTrue();
        var again = await client.CommitAsync([StoreCondition.Absent(key)], [StoreOperation.Put(key, Encoding.UTF8.GetBytes("other"))], CancellationToken.None);

        again.Should().BeFalse("the key exists now");
        var read = await client.GetAsync(key, CancellationToken.None);
        Encoding.UTF8.GetString(read!.Value).Should().Be("value");
        (await client.GetPrefixAsync(StoreKeys.Root + "round-trip/", CancellationToken.None)).Entries.Should().ContainSingle(e => e.Key == key);
    }

    [Test]
    public void A_member_certificate_names_its_loopback_address_and_both_usages()
    {
        using var certificate = EtcdIdentity.IssueMemberCertificate(_cluster.Ca, [IPAddress.Loopback], DateTimeOffset.UtcNow);

        new Cluster.Transport.ClusterPeerPolicy(_cluster.Ca.Certificate, EtcdStoreOptions.MemberCommonName, Cluster.Transport.ClusterPeerPolicy.ServerAuthentication).IsTrusted(certificate, out _).Should().BeTrue();
        new Cluster.Transport.ClusterPeerPolicy(_cluster.Ca.Certificate, EtcdStoreOptions.MemberCommonName, Cluster.Transport.ClusterPeerPolicy.ClientAuthentication).IsTrusted(certificate, out _).Should().BeTrue();
    }
}
