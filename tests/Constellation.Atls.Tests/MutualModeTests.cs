using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class MutualModeTests
{
    [Test]
    public async Task Both_sides_accept_each_others_documents_bound_to_their_own_nonces()
    {
        var outcome = await Loopback.RunAsync(new AtlsServer(Dummies.Mutual()), new AtlsClient(Dummies.Mutual()));
        try
        {
            var client = await outcome.Client;
            var server = await outcome.Server;
            client.Peer!.IsAttested.Should().BeTrue();
            server.Peer!.IsAttested.Should().BeTrue();
            server.Peer.Attestation!.UserData.ToArray().Should().Equal(server.Peer.PublicKeyHash.ToArray());
            server.Peer.Certificate.Thumbprint.Should().NotBe(client.Peer.Certificate.Thumbprint);
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task A_client_attested_server_accepts_an_attested_client_and_does_not_need_its_own_issuer()
    {
        var outcome = await Loopback.RunAsync(new AtlsServer(Dummies.Validating()), new AtlsClient(new AtlsOptions { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true }));
        try
        {
            var server = await outcome.Server;
            server.Peer!.IsAttested.Should().BeTrue();
            (await outcome.Client).Peer!.IsAttested.Should().BeFalse("the client runs in no-verify mode");
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task A_validating_server_rejects_a_client_without_attestation_and_lists_the_oids_it_saw()
    {
        var outcome = await Loopback.RunAsync(new AtlsServer(Dummies.Mutual()), new AtlsClient(Dummies.Validating()));
        try
        {
            var act = async () => await outcome.Server;
            var error = (await act.Should().ThrowAsync<AtlsIncompatibleCertificateException>()).Which;
            error.PresentOids.Should().BeEmpty();
            error.Message.Should().Contain("got extension OIDs []").And.Contain(AttestationVariant.Dummy.Oid);
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task A_validating_server_rejects_a_client_document_bound_to_another_server_nonce()
    {
        var stale = AtlsNonce.Create();
        var client = new AtlsClient(new AtlsOptions
        {
            Issuer = new DelegatingIssuer(AttestationVariant.Dummy, (userData, _) => new DummyDocument(userData.Span, stale).ToJsonBytes()),
            AllowUnverifiedPeer = true,
        });
        var outcome = await Loopback.RunAsync(new AtlsServer(Dummies.Validating()), client);
        try
        {
            var act = async () => await outcome.Server;
            var error = (await act.Should().ThrowAsync<AttestationBindingException>()).Which;
            error.Field.Should().Be("nonce");
            error.Actual.Should().Be(Convert.ToHexStringLower(stale));
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }
}
