using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class AtlsPeerVerifierTests
{
    private static AtlsPeerVerifier Verifier(params IAttestationValidator[] validators) =>
        new(validators.Length == 0 ? [new DummyValidator()] : validators, AtlsOptions.DefaultValidationTimeout);

    [Test]
    public async Task A_well_formed_certificate_for_this_nonce_is_accepted_and_reports_its_user_data()
    {
        var nonce = AtlsNonce.Create();
        using var certificate = await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce);
        var peer = await Verifier().VerifyAsync(certificate, nonce);
        peer.Attestation!.UserData.ToArray().Should().Equal(AtlsCertificateFactory.ComputeUserData(certificate));
    }

    [Test]
    public async Task No_certificate_is_rejected()
    {
        var act = async () => await Verifier().VerifyAsync(null, AtlsNonce.Create());
        await act.Should().ThrowAsync<AtlsException>().WithMessage("*rawCerts is empty*");
    }

    [Test]
    public async Task Flipping_any_byte_of_the_signed_certificate_makes_it_rejected()
    {
        var nonce = AtlsNonce.Create();
        using var certificate = await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce);
        var original = certificate.RawData;
        var verifier = Verifier();
        var accepted = new List<int>();
        for (var i = 0; i < original.Length; i++)
        {
            var tampered = (byte[])original.Clone();
            tampered[i] ^= 0x01;
            X509Certificate2 parsed;
            try
            {
                parsed = X509CertificateLoader.LoadCertificate(tampered);
            }
            catch (CryptographicException)
            {
                continue; // not even a certificate any more: rejected before aTLS sees it
            }

            using (parsed)
            {
                try
                {
                    await verifier.VerifyAsync(parsed, nonce);
                    accepted.Add(i);
                }
                catch (AttestationException)
                {
                }
            }
        }

        accepted.Should().BeEmpty("every byte of the DER certificate is covered by the signature, the structure or the document");
    }

    [Test]
    public async Task A_critical_unknown_extension_is_rejected_like_go_does()
    {
        var nonce = AtlsNonce.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(AtlsCertificateFactory.SubjectName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(AttestationVariant.Dummy.Oid, new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), nonce).ToJsonBytes(), critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        var act = async () => await Verifier().VerifyAsync(certificate, nonce);
        await act.Should().ThrowAsync<AtlsException>().WithMessage($"*unhandled critical extension {AttestationVariant.Dummy.Oid}*");
    }

    [Test]
    public async Task A_certificate_signed_by_another_key_is_rejected()
    {
        var nonce = AtlsNonce.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(AtlsCertificateFactory.SubjectName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(AttestationVariant.Dummy.Oid, new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), nonce).ToJsonBytes(), critical: false));
        using var certificate = request.Create(new X500DistinguishedName(AtlsCertificateFactory.SubjectName), X509SignatureGenerator.CreateForECDsa(other), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), [1]);
        var act = async () => await Verifier().VerifyAsync(certificate, nonce);
        await act.Should().ThrowAsync<AttestationSignatureException>().WithMessage("*self-signature does not verify*");
    }

    [Test]
    public async Task The_first_extension_matching_a_validator_is_the_one_validated()
    {
        var nonce = AtlsNonce.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(AtlsCertificateFactory.SubjectName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(AttestationVariant.QemuVtpm.Oid, [1, 2, 3], critical: false));
        request.CertificateExtensions.Add(new X509Extension(AttestationVariant.Dummy.Oid, new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), nonce).ToJsonBytes(), critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        var peer = await Verifier().VerifyAsync(certificate, nonce);
        peer.ExtensionOids.Should().Equal(AttestationVariant.QemuVtpm.Oid, AttestationVariant.Dummy.Oid);
        peer.Attestation!.Variant.Should().Be(AttestationVariant.Dummy);
    }

    [Test]
    public async Task A_validator_that_does_not_answer_is_cut_off_by_the_validation_timeout()
    {
        var nonce = AtlsNonce.Create();
        using var certificate = await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce);
        var verifier = new AtlsPeerVerifier([new HangingValidator()], TimeSpan.FromMilliseconds(200));
        var act = async () => await verifier.VerifyAsync(certificate, nonce);
        (await act.Should().ThrowAsync<AtlsException>().WithMessage("*timed out after 0.2 s*")).Which.InnerException.Should().BeOfType<TimeoutException>();
    }

    [Test]
    public async Task Cancelling_the_caller_token_cancels_validation()
    {
        var nonce = AtlsNonce.Create();
        using var certificate = await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var act = async () => await Verifier(new HangingValidator()).VerifyAsync(certificate, nonce, cts.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public void A_client_without_validators_must_opt_in_to_no_verify_mode()
    {
        var act = () => new AtlsClient(new AtlsOptions());
        act.Should().Throw<ArgumentException>().WithMessage("*AllowUnverifiedPeer*");
    }

    private sealed class HangingValidator : IAttestationValidator
    {
        public AttestationVariant Variant => AttestationVariant.Dummy;

        public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
