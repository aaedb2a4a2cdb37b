using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class ServerCertificateRejectionTests
{
    private static AtlsClient Client() => new(Dummies.Validating());

    [Test]
    public async Task Replaying_a_certificate_captured_from_one_connection_on_another_connection_is_rejected()
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2? captured = null;
        var first = await ScriptedServer.ConnectAsync(Client(), nonce =>
            captured = AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce).AsTask().GetAwaiter().GetResult());
        (await first).Dispose();
        captured.Should().NotBeNull();

        var second = await ScriptedServer.ConnectAsync(Client(), _ => captured!);
        var act = async () => await second;
        var error = (await act.Should().ThrowAsync<AttestationBindingException>()).Which;
        error.Field.Should().Be("nonce");
        captured!.Dispose();
    }

    [Test]
    public async Task A_document_bound_to_a_different_key_is_rejected()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherHash = AtlsCertificateFactory.ComputeUserData(otherKey);
        var connection = await ScriptedServer.ConnectAsync(Client(), nonce =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return AtlsCertificateFactory.Create(key, AttestationVariant.Dummy, new DummyDocument(otherHash, nonce).ToJsonBytes(), DateTimeOffset.UtcNow);
        });
        var act = async () => await connection;
        (await act.Should().ThrowAsync<AttestationBindingException>())
            .WithMessage("certificate hash does not match user data*")
            .Which.Message.Should().Contain(Convert.ToHexStringLower(otherHash));
    }

    [Test]
    public async Task A_certificate_with_only_an_unknown_attestation_oid_is_rejected_and_the_message_lists_the_oids()
    {
        var connection = await ScriptedServer.ConnectAsync(Client(), nonce =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var document = new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), nonce).ToJsonBytes();
            return AtlsCertificateFactory.Create(key, AttestationVariant.QemuVtpm, document, DateTimeOffset.UtcNow);
        });
        var act = async () => await connection;
        var error = (await act.Should().ThrowAsync<AtlsIncompatibleCertificateException>()).Which;
        error.PresentOids.Should().Equal(AttestationVariant.QemuVtpm.Oid);
        error.Message.Should().Contain($"got extension OIDs [{AttestationVariant.QemuVtpm.Oid}]");
    }

    [TestCase(-5, -3, "has expired")]
    [TestCase(1, 3, "is not yet valid")]
    public async Task A_certificate_outside_its_validity_window_is_rejected(int fromHours, int toHours, string reason)
    {
        var connection = await ScriptedServer.ConnectAsync(Client(), nonce =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var document = new DummyDocument(AtlsCertificateFactory.ComputeUserData(key), nonce).ToJsonBytes();
            var now = DateTimeOffset.UtcNow;
            return AtlsCertificateFactory.Create(key, AttestationVariant.Dummy, document, now.AddHours(fromHours), now.AddHours(toHours));
        });
        var act = async () => await connection;
        (await act.Should().ThrowAsync<AttestationFreshnessException>()).Which.Message.Should().Contain(reason);
    }
}
