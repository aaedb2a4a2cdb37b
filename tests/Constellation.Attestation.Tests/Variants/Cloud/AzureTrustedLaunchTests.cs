using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>azure-trustedlaunch: AK certificate chain (AK cert → CA → pinned root) on a real swtpm AK.</summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in OneTimeTearDown.")]
public class AzureTrustedLaunchTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("azure nonce");
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private SwtpmProcess _swtpm = null!;
    private TestCa _pki = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _pki = new TestCa("CN=ameroot-test, DC=AME, DC=GBL");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _swtpm.DisposeAsync();
        _pki.Dispose();
    }

    [Test]
    public async Task An_AK_certified_through_the_CA_by_the_pinned_root_validates()
    {
        var document = await IssueAsync(ak => _pki.Certify(ak));

        var result = await Validator(_pki.Root).ValidateAsync(document, Nonce);

        result.UserData.ToArray().Should().Equal(5);
    }

    [Test]
    public async Task An_AK_certificate_from_another_root_is_rejected()
    {
        using var other = new TestCa("CN=other root");
        var document = await IssueAsync(ak => other.Certify(ak));

        var act = async () => await Validator(_pki.Root).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<CertificateChainException>();
    }

    [Test]
    public async Task A_valid_certificate_for_another_key_is_untrusted()
    {
        using var stranger = RSA.Create(2048);
        var document = await IssueAsync(_ => _pki.Certify(stranger));

        var act = async () => await Validator(_pki.Root).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationTrustException>().WithMessage("key not trusted*");
    }

    [Test]
    public async Task An_expired_AK_certificate_is_not_fresh()
    {
        var document = await IssueAsync(ak => _pki.Certify(ak));

        var act = async () => await AzureTrustedLaunchVariant.CreateValidator([_pki.Root], MeasurementSet.EmptyAllowed, new FixedTime(Now.AddYears(5))).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationFreshnessException>();
    }

    [Test]
    public async Task An_ECC_AK_certificate_is_rejected_because_the_AK_must_be_RSA()
    {
        using var ecc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var document = await IssueAsync(_ => _pki.Certify(ecc));

        var act = async () => await Validator(_pki.Root).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationTrustException>().WithMessage("*expected an RSA key*");
    }

    [Test]
    public void Without_a_configured_root_no_validator_can_be_built()
    {
        var act = () => AzureTrustedLaunchVariant.CreateValidator([], MeasurementSet.EmptyAllowed);

        act.Should().Throw<ArgumentException>().WithMessage("*ameroot*");
    }

    [Test]
    public void Instance_info_without_a_CA_is_malformed()
    {
        var act = () => AzureTrustedLaunchInstanceInfo.Parse(Encoding.UTF8.GetBytes("{\"AkCert\":\"AQID\"}"));

        act.Should().Throw<AttestationFormatException>().WithMessage("*no CA*");
    }

    private static IAttestationValidator Validator(X509Certificate2 root) =>
        AzureTrustedLaunchVariant.CreateValidator([root], MeasurementSet.EmptyAllowed, new FixedTime(Now));

    private async Task<byte[]> IssueAsync(Func<RSA, (byte[] AkCert, byte[] Ca)> certify)
    {
        using var issuer = new VtpmIssuer(AttestationVariant.AzureTrustedLaunch, SwtpmVtpm.Open(_swtpm), new CertifyingIssuerHooks(certify), SwtpmVtpm.NoEventLog);
        return await issuer.IssueAsync(new byte[] { 5 }, Nonce);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Root → CA → AK certificates made for the test.</summary>
    private sealed class TestCa : IDisposable
    {
        private readonly RSA _rootKey = RSA.Create(2048);
        private readonly RSA _caKey = RSA.Create(2048);
        private readonly X509Certificate2 _ca;

        public TestCa(string rootSubject)
        {
            var rootRequest = new CertificateRequest(rootSubject, _rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Root = rootRequest.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(3));
            var caRequest = new CertificateRequest("CN=Azure Virtual TPM Root Certificate Authority 2023 (test)", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.Create(Root, Now.AddYears(-1), Now.AddYears(2), [1]);
            _ca = ca.CopyWithPrivateKey(_caKey);
        }

        public X509Certificate2 Root { get; }

        public (byte[] AkCert, byte[] Ca) Certify(AsymmetricAlgorithm key)
        {
            var request = key switch
            {
                RSA rsa => new CertificateRequest("CN=vm-ak", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                ECDsa ecdsa => new CertificateRequest("CN=vm-ak", ecdsa, HashAlgorithmName.SHA256),
                _ => throw new ArgumentException("unsupported key", nameof(key)),
            };
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            using var cert = request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForRSA(_caKey, RSASignaturePadding.Pkcs1), Now.AddDays(-1), Now.AddYears(1), [2]);
            return (cert.RawData, _ca.RawData);
        }

        public void Dispose()
        {
            Root.Dispose();
            _ca.Dispose();
            _rootKey.Dispose();
            _caKey.Dispose();
        }
    }

    /// <summary>Loads the AK and sends a certificate for it (or for whatever key the test chooses).</summary>
    private sealed class CertifyingIssuerHooks(Func<RSA, (byte[] AkCert, byte[] Ca)> certify) : IVtpmIssuerHooks
    {
        private TpmCreatedKey? _key;

        public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken)
        {
            _key = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate(), cancellationToken);
            return new VtpmIssuerKey(_key, ReadOnlyMemory<byte>.Empty, true);
        }

        public ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
        {
            using var ak = _key!.Public.CreateRsa();
            var (akCert, ca) = certify(ak);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(new AzureTrustedLaunchInstanceInfo(akCert, ca).ToJson());
        }
    }
}
