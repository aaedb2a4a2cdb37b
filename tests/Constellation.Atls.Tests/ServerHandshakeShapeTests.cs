using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Atls.Tests;

/// <summary>
/// What a server-attested aTLS server puts on the wire (spec §3 "Chain sent: only the single leaf certificate", spec §5
/// server-attested mode: no CertificateRequest), observed by a plain <see cref="SslStream"/> client. The per-connection
/// certificate context is built with a trust list so that its chain build is cheap; these tests pin that this changes
/// nothing a peer can see.
/// </summary>
public sealed class ServerHandshakeShapeTests
{
    [Test]
    public async Task A_server_attested_server_sends_only_its_leaf_and_asks_for_no_client_certificate()
    {
        var server = new AtlsServer(Dummies.Issuing());
        var seen = await HandshakeAsync(
            async stream =>
            {
                using var session = server.CreateSession();
                await using var ssl = new SslStream(stream);
                await session.AuthenticateAsync(ssl);
                return session.ServerCertificate!.RawData;
            });

        seen.SentCertificates.Should().AllSatisfy(sent => sent.Should().Equal(seen.ServerLeaf), "a self-signed aTLS leaf travels alone");
        seen.AcceptableIssuerLists.Should().BeEmpty("without validators the server sends no CertificateRequest and no trust list");
        seen.Leaf.Should().Equal(seen.ServerLeaf);
    }

    [Test]
    public async Task The_observation_would_see_an_intermediate_if_a_server_sent_one()
    {
        // Control for the test above: the same client does see the other certificates a server sends.
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var root = CaRequest("CN=test root", rootKey).CreateSelfSigned(now.AddHours(-1), now.AddHours(1));
        using var intermediate = CaRequest("CN=test intermediate", intermediateKey).Create(root, now.AddMinutes(-50), now.AddMinutes(50), [4, 5, 6]);
        using var leafPublic = new CertificateRequest("CN=leaf", leafKey, HashAlgorithmName.SHA256)
            .Create(intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(intermediateKey), now.AddMinutes(-30), now.AddMinutes(30), [1, 2, 3]);
        using var leaf = leafPublic.CopyWithPrivateKey(leafKey);
        var context = SslStreamCertificateContext.Create(leaf, [intermediate], offline: true);

        var seen = await HandshakeAsync(
            async stream =>
            {
                await using var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context });
                return leaf.RawData;
            });

        seen.SentCertificates.Should().ContainEquivalentOf(intermediate.RawData);
        seen.Leaf.Should().Equal(leaf.RawData);
    }

    [Test]
    public async Task Every_connection_gets_a_certificate_with_its_own_key()
    {
        var server = new AtlsServer(Dummies.Issuing());
        var client = new AtlsClient(Dummies.Validating());
        var keys = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            var outcome = await Loopback.RunAsync(server, client);
            try
            {
                var connection = await outcome.Client;
                keys.Add(Convert.ToHexString(connection.Peer!.PublicKeyHash.Span)).Should().BeTrue("spec §2: a fresh key per server handshake");
            }
            finally
            {
                await Loopback.DisposeAsync(outcome);
            }
        }
    }

    private static CertificateRequest CaRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request;
    }

    private sealed record Observation(IReadOnlyList<byte[]> SentCertificates, IReadOnlyList<string[]> AcceptableIssuerLists, byte[] Leaf, byte[] ServerLeaf);

    private static async Task<Observation> HandshakeAsync(Func<Stream, Task<byte[]>> serve)
    {
        using var cts = new CancellationTokenSource(Loopback.Bound);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverTask = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(cts.Token);
            return await serve(new NetworkStream(socket, ownsSocket: true));
        });

        var sent = new List<byte[]>();
        byte[]? leaf = null;
        var issuerLists = new List<string[]>();
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            await using var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = AtlsNonce.ToServerName(AtlsNonce.Create()),
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    AllowTlsResume = false,
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        // On Linux the peer's chain as received (leaf included) is handed to the chain builder here.
                        sent.AddRange(chain!.ChainPolicy.ExtraStore.Select(c => c.RawData));
                        leaf = certificate?.GetRawCertData();
                        return certificate is not null;
                    },
                    LocalCertificateSelectionCallback = (_, _, _, remote, issuers) =>
                    {
                        // .NET also asks once before the handshake, with no issuers and no server certificate yet.
                        if (remote is not null || issuers.Length > 0)
                        {
                            issuerLists.Add(issuers);
                        }

                        return null!;
                    },
                },
                cts.Token);

            // Finish the server side (its handshake completes on the client's Finished).
            await ssl.WriteAsync("x"u8.ToArray(), cts.Token);
        }

        var serverLeaf = await serverTask;
        return new Observation(sent, issuerLists, leaf!, serverLeaf);
    }
}
