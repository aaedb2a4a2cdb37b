using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Attestation.Tests.Measurements.Signed;

/// <summary>A test signing key and measurement files shaped like Constellation's, signed as cosign signs blobs.</summary>
internal sealed class SignedMeasurementsFixture : IDisposable
{
    public const string Pcr4 = "4444444444444444444444444444444444444444444444444444444444444444";
    public const string Pcr9 = "9999999999999999999999999999999999999999999999999999999999999999";

    public SignedMeasurementsFixture()
    {
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
        PublicKey = MeasurementsPublicKey.FromPem(PublicKeyPem);
    }

    public ECDsa Key { get; }

    public string PublicKeyPem { get; }

    public MeasurementsPublicKey PublicKey { get; }

    public static string File(string version = "v2.23.0", string @ref = "-", string stream = "stable", string csp = "QEMU", string variant = "qemu-vtpm") =>
        $$"""
        {
          "version": "{{version}}",
          "ref": "{{@ref}}",
          "stream": "{{stream}}",
          "list": [
            {"csp": "AWS", "attestationVariant": "aws-sev-snp", "measurements": {"4": {"expected": "{{new string('a', 64)}}", "warnOnly": false} } },
            {"csp": "{{csp}}", "attestationVariant": "{{variant}}", "measurements": {"4": {"expected": "{{Pcr4}}", "warnOnly": false}, "9": {"expected": "{{Pcr9}}", "warnOnly": true} } }
          ]
        }
        """;

    public string Sign(byte[] file) => Convert.ToBase64String(Key.SignData(file, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)) + "\n";

    public string Sign(string file) => Sign(Encoding.UTF8.GetBytes(file));

    public void Dispose() => Key.Dispose();
}
