using System.Net;
using Constellation.Atls.Http;
using Constellation.Atls.Tests;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Interop.Tests;

/// <summary>.NET aTLS against the stdlib Go peer (Go's crypto/tls, Constellation's own TLS stack), over 127.0.0.1.</summary>
[CancelAfter(120_000)]
public sealed class GoInteropTests
{
    [Test]
    public async Task A_go_client_accepts_a_dotnet_kestrel_server_and_negotiates_h2()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        var (exitCode, output) = await GoPeer.RunClientAsync("-addr", $"127.0.0.1:{host.Address.Port}");
        exitCode.Should().Be(0, output);
        output.Should().MatchRegex("ok userdata=[0-9a-f]{64} alpn=h2 proto=HTTP/2.0 status=200 body=hello HTTP/2 client-attested=False");
    }

    [Test]
    public async Task A_dotnet_client_accepts_a_go_server_over_http11_and_http2()
    {
        using var server = await GoPeer.StartServerAsync("-message", "hi");
        var peers = new List<AtlsPeer>();
        using var http11 = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating(), peers.Add));
        (await http11.GetStringAsync(server.Address)).Should().Be("hi");
        using var http2 = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating(), peers.Add))
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var response = await http2.GetAsync(server.Address);
        response.Version.Should().Be(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).Should().Be("hi");
        peers.Should().HaveCount(2).And.OnlyContain(p => p.IsAttested && p.Attestation!.UserData.ToArray().SequenceEqual(p.PublicKeyHash.ToArray()));
    }

    [Test]
    public async Task Mutual_a_go_client_attests_itself_to_a_dotnet_server_that_attests_itself_to_the_go_client()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Mutual());
        var (exitCode, output) = await GoPeer.RunClientAsync("-addr", $"127.0.0.1:{host.Address.Port}", "-mutual");
        exitCode.Should().Be(0, output);
        output.Should().Contain("client-attested=True");
    }

    [Test]
    public async Task Mutual_a_dotnet_client_attests_itself_to_a_go_server_that_attests_itself_to_the_dotnet_client()
    {
        using var server = await GoPeer.StartServerAsync("-mutual");
        AtlsPeer? peer = null;
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Mutual(), p => peer = p));
        (await http.GetStringAsync(server.Address)).Should().Be("hello from go");
        peer!.IsAttested.Should().BeTrue();
        (await server.WaitForLineAsync("client verified userdata=")).Should().MatchRegex("client verified userdata=[0-9a-f]{64}");
    }

    [Test]
    public async Task A_dotnet_client_rejects_a_go_server_whose_document_is_bound_to_another_nonce()
    {
        using var server = await GoPeer.StartServerAsync("-wrong-nonce");
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()));
        var act = async () => await http.GetStringAsync(server.Address);
        (await act.Should().ThrowAsync<HttpRequestException>()).Which.GetBaseException()
            .Should().BeOfType<AttestationBindingException>().Which.Field.Should().Be("nonce");
    }

    [Test]
    public async Task A_go_client_rejects_a_dotnet_server_with_an_oid_it_does_not_accept_and_lists_the_oids()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        var (exitCode, output) = await GoPeer.RunClientAsync("-addr", $"127.0.0.1:{host.Address.Port}", "-accept-oid", AttestationVariant.AzureSevSnp.Oid);
        exitCode.Should().Be(1);
        output.Should().Contain($"certificate does not contain compatible attestation documents: got extension OIDs [{AttestationVariant.Dummy.Oid}]");
    }

    [Test]
    public async Task Mutual_a_dotnet_server_rejects_a_go_client_whose_document_is_bound_to_another_nonce()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Mutual());
        var (exitCode, output) = await GoPeer.RunClientAsync("-addr", $"127.0.0.1:{host.Address.Port}", "-mutual", "-wrong-nonce");
        exitCode.Should().Be(1, output);
        output.Should().NotContain("ok userdata=");
    }

    [Test]
    public async Task Mutual_a_go_server_rejects_a_dotnet_client_whose_document_is_bound_to_another_nonce()
    {
        using var server = await GoPeer.StartServerAsync("-mutual");
        var stale = AtlsNonce.Create();
        var options = new AtlsOptions
        {
            Issuer = new DelegatingIssuer(AttestationVariant.Dummy, (userData, _) => new DummyDocument(userData.Span, stale).ToJsonBytes()),
            Validators = [new DummyValidator()],
        };
        using var http = new HttpClient(new AtlsHttpMessageHandler(options));
        var act = async () => await http.GetStringAsync(server.Address);
        await act.Should().ThrowAsync<HttpRequestException>();
        (await server.WaitForLineAsync("client rejected:")).Should().Contain($"got {Convert.ToHexStringLower(stale)}");
    }

    [Test]
    public async Task A_go_server_sends_the_server_nonce_as_the_single_acceptable_ca_and_a_dotnet_client_decodes_it()
    {
        using var server = await GoPeer.StartServerAsync("-mutual");
        var client = new AtlsClient(Dummies.Mutual());
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        await using var connection = await client.ConnectAsync(tcp.GetStream());
        connection.Peer!.IsAttested.Should().BeTrue();
        connection.Stream.NegotiatedApplicationProtocol.ToString().Should().Be("http/1.1", "Go selects by server preference (spec §6)");
        (await server.WaitForLineAsync("client verified userdata=")).Should().NotBeEmpty();
    }
}
