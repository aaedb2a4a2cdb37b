using System.Collections.Concurrent;
using System.Net;
using Constellation.Atls.Http;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class KestrelAndHttpClientTests
{
    [Test]
    public async Task HttpClient_over_the_atls_handler_gets_a_response_from_a_kestrel_atls_server_over_http11()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        var peers = new ConcurrentBag<AtlsPeer>();
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating(), peers.Add));
        var body = await http.GetStringAsync(host.Address);
        body.Should().Be("hello HTTP/1.1 client-attested=False");
        peers.Should().ContainSingle().Which.IsAttested.Should().BeTrue();
    }

    [Test]
    public async Task HttpClient_speaks_http2_with_prior_knowledge_over_the_attested_stream()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()))
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var response = await http.GetAsync(host.Address);
        response.Version.Should().Be(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).Should().Be("hello HTTP/2 client-attested=False");
    }

    [Test]
    public async Task Every_new_connection_is_attested_with_a_fresh_nonce()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        var nonces = new ConcurrentBag<string>();
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating(), peer =>
            nonces.Add(Convert.ToBase64String(DummyDocument.Parse(peer.Certificate.Extensions[AttestationVariant.Dummy.Oid]!.RawData).Nonce.Span))));
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, host.Address) { Headers = { ConnectionClose = true } };
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        nonces.Should().HaveCount(3).And.OnlyHaveUniqueItems();
    }

    [Test]
    public async Task A_kestrel_server_in_mutual_mode_sees_the_validated_client()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Mutual());
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Mutual()));
        (await http.GetStringAsync(host.Address)).Should().Be("hello HTTP/1.1 client-attested=True");
    }

    [Test]
    public async Task A_kestrel_server_in_mutual_mode_drops_an_unattested_client_before_reading_its_request()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Mutual());
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()));
        var act = async () => await http.GetStringAsync(host.Address);
        await act.Should().ThrowAsync<HttpRequestException>();
    }

    [Test]
    public async Task A_client_rejects_a_kestrel_server_attested_with_another_variant_and_names_the_oid()
    {
        var foreign = new DelegatingIssuer(AttestationVariant.AzureSevSnp, (userData, nonce) => new DummyDocument(userData.Span, nonce.Span).ToJsonBytes());
        await using var host = await AtlsKestrelHost.StartAsync(new AtlsOptions { Issuer = foreign });
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()));
        var act = async () => await http.GetStringAsync(host.Address);
        var error = (await act.Should().ThrowAsync<HttpRequestException>()).Which;
        error.InnerException.Should().BeOfType<IOException>()
            .Which.InnerException.Should().BeOfType<AtlsIncompatibleCertificateException>()
            .Which.PresentOids.Should().Equal(AttestationVariant.AzureSevSnp.Oid);
    }
}
