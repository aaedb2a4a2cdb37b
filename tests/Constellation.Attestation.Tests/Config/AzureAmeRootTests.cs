using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants.AzureTrustedLaunch;

namespace Constellation.Attestation.Tests.Config;

/// <summary>The built-in Microsoft "ameroot" is the certificate Constellation's azure-trustedlaunch validator embeds.</summary>
public class AzureAmeRootTests
{
    [Test]
    public void The_built_in_ameroot_is_the_self_signed_RSA_4096_root_Constellation_embeds_with_its_stated_validity()
    {
        using var root = AzureTrustedLaunchVariant.CreateAmeRoot();

        root.Subject.Should().Be("CN=ameroot, DC=AME, DC=GBL");
        root.Issuer.Should().Be(root.Subject);
        Convert.ToHexStringLower(root.GetCertHash(HashAlgorithmName.SHA256)).Should().Be("ea76599d86897382aa519ff2bc0fa6b9c15d60da2ebe53e72139cd317b0797ed");
        root.GetRSAPublicKey()!.KeySize.Should().Be(4096);
        root.NotBefore.ToUniversalTime().Should().Be(new DateTime(2016, 5, 24, 22, 52, 54, DateTimeKind.Utc));
        root.NotAfter.ToUniversalTime().Should().Be(new DateTime(2026, 5, 24, 22, 57, 3, DateTimeKind.Utc));
        using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, VerificationTime = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) } };
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.Build(root).Should().BeTrue("it signed itself");
        BuiltInRoots.AzureAmeRootPem.Should().Contain("-----BEGIN CERTIFICATE-----");
    }
}
