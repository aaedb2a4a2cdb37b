using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>A root → CA → AK certificate PKI made for a test, the AK certificates naming where the CA can be fetched (AIA).</summary>
internal sealed class AkTestPki : IDisposable
{
    public static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RSA _rootKey = RSA.Create(2048);
    private readonly RSA _caKey = RSA.Create(2048);

    public AkTestPki(string rootSubject = "CN=ameroot-test, DC=AME, DC=GBL", DateTimeOffset? rootNotAfter = null)
    {
        var root = new CertificateRequest(rootSubject, _rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        root.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        root.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = root.CreateSelfSigned(At.AddYears(-1), rootNotAfter ?? At.AddYears(3));
        var ca = new CertificateRequest("CN=Azure Virtual TPM Root Certificate Authority 2023 (test)", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        ca.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        // Signed with the generator so the CA may outlive its root, as Azure's CAs outlive ameroot.
        using var caCertificate = ca.Create(Root.SubjectName, X509SignatureGenerator.CreateForRSA(_rootKey, RSASignaturePadding.Pkcs1), At.AddYears(-1), At.AddYears(2), [1]);
        Ca = caCertificate.RawData;
    }

    public X509Certificate2 Root { get; }

    public byte[] Ca { get; }

    /// <summary>A DER AK certificate for <paramref name="key"/>, issued by the CA, with AIA caIssuers <paramref name="caIssuers"/>.</summary>
    public byte[] Certify(RSA key, params Uri[] caIssuers)
    {
        var request = new CertificateRequest("CN=vm-ak", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (caIssuers.Length > 0)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, caIssuers.Select(u => u.ToString())));
        }

        using var ca = X509CertificateLoader.LoadCertificate(Ca);
        using var certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(_caKey, RSASignaturePadding.Pkcs1), At.AddDays(-1), At.AddYears(1), [2]);
        return certificate.RawData;
    }

    public void Dispose()
    {
        Root.Dispose();
        _rootKey.Dispose();
        _caKey.Dispose();
    }
}
