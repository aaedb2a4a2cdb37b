using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>
/// Only the admin credential may replace the join policy: a caller without a client certificate, with one from another
/// CA, with a cluster certificate outside <c>system:masters</c> (a node's kubelet certificate) or with a server-only
/// certificate is refused before any request is read, the refusal is logged naming what is wrong, and nothing is published.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AdminCredentialRefusalTests : UpgradeableClusterFixture
{
    [Test]
    public async Task A_caller_without_a_client_certificate_is_refused()
    {
        await ShouldBeRefusedAsync(null, "rejected: client certificate: expected one the server accepts, got none");
    }

    [Test]
    public async Task A_caller_with_an_admin_certificate_from_another_ca_is_refused()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        using var forged = Cluster.ClientCertificate("CN=kubernetes-admin, O=system:masters", otherCa);

        await ShouldBeRefusedAsync(forged, "admin credential: certificate chain: expected a valid chain to the cluster CA");
    }

    [Test]
    public async Task A_caller_with_aCluster_certificate_outside_system_masters_is_refused()
    {
        using var kubelet = Cluster.ClientCertificate("CN=system:node:worker-0, O=system:nodes");

        await ShouldBeRefusedAsync(kubelet, "admin credential: expected a client certificate in O=system:masters, got O=system:nodes");
    }

    [Test]
    public async Task A_caller_with_a_server_only_certificate_in_system_masters_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string Subject = "CN=kubernetes-admin, O=system:masters";
        var publicKey = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256).PublicKey;
        using var signed = Cluster.Ca.SignServerCertificate(new X500DistinguishedName(Subject), publicKey, [System.Net.IPAddress.Loopback], DateTimeOffset.UtcNow);
        using var serverOnly = signed.CopyWithPrivateKey(key);

        await ShouldBeRefusedAsync(serverOnly, "admin credential: certificate extended key usage: expected 1.3.6.1.5.5.7.3.2");
    }

    private async Task ShouldBeRefusedAsync(X509Certificate2? credential, string logged)
    {
        using var channel = Cluster.AdminChannel(credential);
        var policy = new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, Cluster.New.Measurements);

        var apply = async () => await AdminClient.SetJoinPolicyAsync(channel, policy).WaitAsync(UpgradeableCluster.Bound);

        (await apply.Should().ThrowAsync<AdminApiException>()).Which.Should().NotBeOfType<JoinPolicyRejectedException>();
        Cluster.Logs.AllText.Should().Contain(logged);
        (await File.ReadAllBytesAsync(Cluster.PolicyFile)).Should().Equal(Published, "a refused caller publishes nothing");
        Cluster.Policy.Current.Generation.Should().Be(1);
    }
}
