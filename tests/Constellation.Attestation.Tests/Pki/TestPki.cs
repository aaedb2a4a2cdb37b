using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tests.Pki;

/// <summary>A throw-away ECDSA P-256 CA hierarchy and CRL maker for tests (never trusted outside them).</summary>
internal sealed class TestPki : IDisposable
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestPki(X509Certificate2 root, X509Certificate2 intermediate, X509Certificate2 leaf)
    {
        Root = root;
        Intermediate = intermediate;
        Leaf = leaf;
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Leaf { get; }

    public IReadOnlyList<X509Certificate2> Chain => [Leaf, Intermediate, Root];

    public static TestPki Create(
        string rootName = "CN=Test Root CA",
        string intermediateName = "CN=Test Intermediate CA",
        string leafName = "CN=Test Leaf",
        DateTimeOffset? leafNotAfter = null)
    {
        var root = CreateCa(rootName, null, pathLength: 1);
        var intermediate = CreateCa(intermediateName, root, pathLength: 0);
        var leaf = CreateLeaf(leafName, intermediate, leafNotAfter ?? Start.AddYears(5));
        return new TestPki(root, intermediate, leaf);
    }

    public static X509Certificate2 CreateCa(string name, X509Certificate2? issuer, int pathLength)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            return request.CreateSelfSigned(Start.AddYears(-1), Start.AddYears(20));
        }

        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        using var cert = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), Start.AddYears(-1), Start.AddYears(15), NewSerial());
        return cert.CopyWithPrivateKey(key);
    }

    public static X509Certificate2 CreateLeaf(string name, X509Certificate2 issuer, DateTimeOffset notAfter, ECDsa? key = null)
    {
        using var ownKey = key is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var subjectKey = key ?? ownKey!;
        var request = new CertificateRequest(name, subjectKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        using var cert = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), Start.AddYears(-1), notAfter, NewSerial());
        return cert.CopyWithPrivateKey(subjectKey);
    }

    /// <summary>Makes a CRL signed by <paramref name="issuer"/> listing the given certificates.</summary>
    public static byte[] MakeCrl(X509Certificate2 issuer, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var cert in revoked)
        {
            builder.AddEntry(cert, thisUpdate);
        }

        return builder.Build(issuer, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    public void Dispose()
    {
        Leaf.Dispose();
        Intermediate.Dispose();
        Root.Dispose();
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x10;
        return serial;
    }
}
