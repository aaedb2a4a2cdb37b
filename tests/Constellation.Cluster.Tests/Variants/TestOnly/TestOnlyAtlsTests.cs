using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;

namespace Constellation.Cluster.Tests.Variants.TestOnly;

/// <summary>aTLS knows variants only by OID: a server attested with the test-only variant is accepted by a client validating it.</summary>
public class TestOnlyAtlsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly byte[] Measured = Enumerable.Repeat((byte)7, 32).ToArray();

    [Test]
    public async Task A_client_validating_the_test_only_variant_accepts_a_server_attested_with_it()
    {
        var validator = Validator("blue");

        var (server, client) = await HandshakeAsync(TestOnlyVariant.Issuer(Measured, "blue"), validator);
        await using var serverConnection = await server;
        await using var clientConnection = await client;

        clientConnection.Peer!.ExtensionOids.Should().Contain("1.3.9900.99.1");
        clientConnection.Peer.Attestation!.Variant.Should().Be(TestOnlyVariant.Instance.Variant);
        clientConnection.Peer.Attestation.Measurements[0].Should().Equal(Measured);
    }

    [Test]
    public async Task A_client_whose_config_wants_another_label_refuses_the_server()
    {
        var (server, client) = await HandshakeAsync(TestOnlyVariant.Issuer(Measured, "blue"), Validator("red"));

        await client.Awaiting(c => c).Should().ThrowAsync<AttestationPolicyException>();
        await server.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    private static IAttestationValidator Validator(string label) =>
        new AttestationValidatorFactory(TestOnlyVariant.Registry, VariantServices.None).Create(new TestOnlyConfig(MeasurementSet.Empty.With(0, new Measurement(Measured)), label));

    private static async Task<(Task<AtlsConnection> Server, Task<AtlsConnection> Client)> HandshakeAsync(IAttestationIssuer issuer, IAttestationValidator validator)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var atlsServer = new AtlsServer(new AtlsOptions { Issuer = issuer });
        var atlsClient = new AtlsClient(new AtlsOptions { Validators = [validator] });
        var server = Task.Run(async () => await atlsServer.AcceptAsync(new NetworkStream(await listener.AcceptSocketAsync(cts.Token), ownsSocket: true), cts.Token));
        var client = Task.Run(async () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return await atlsClient.ConnectAsync(new NetworkStream(socket, ownsSocket: true), cts.Token);
        });
        await Task.WhenAny(Task.WhenAll(server, client), Task.Delay(Bound));
        await client.ContinueWith(_ => { }, TaskScheduler.Default);
        return (server, client);
    }
}
