using Constellation.Attestation;

namespace Constellation.Atls.Tests;

public sealed class ServerAttestedModeTests
{
    [Test]
    public async Task A_client_accepts_a_server_whose_document_binds_its_nonce_and_key()
    {
        var outcome = await Loopback.RunAsync(new AtlsServer(Dummies.Issuing()), new AtlsClient(Dummies.Validating()));
        try
        {
            var client = await outcome.Client;
            var server = await outcome.Server;
            client.Peer!.IsAttested.Should().BeTrue();
            client.Peer.Attestation!.UserData.ToArray().Should().Equal(client.Peer.PublicKeyHash.ToArray());
            client.Peer.ExtensionOids.Should().Equal(AttestationVariant.Dummy.Oid);
            server.Peer.Should().BeNull("a server without validators does not verify clients");

            await client.Stream.WriteAsync("ping"u8.ToArray());
            var buffer = new byte[4];
            await server.Stream.ReadExactlyAsync(buffer);
            buffer.Should().Equal("ping"u8.ToArray());
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }
}
