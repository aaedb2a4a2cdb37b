using System.Net;
using System.Text.Json;
using Constellation.Atls;
using Constellation.Atls.Http;
using Constellation.Atls.Tests;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Cli.Tests.Atls;

/// <summary>
/// <c>constellation atls serve</c> and <c>probe</c>, the published binary run against itself over 127.0.0.1: the server
/// is a process stopped with SIGTERM (exit 0), the probe a process whose exit code, text and JSON are checked.
/// </summary>
public sealed class CliAtlsTests
{
    private static Task<CliServer> ServeAsync(params string[] extra) =>
        CliServer.StartAsync(["atls", "serve", "--variant", "dummy", "--port", "0", .. extra]);

    [Test]
    public async Task Probe_prints_the_validated_user_data_the_oids_and_the_served_message()
    {
        await using var server = await ServeAsync("--message", "greetings");
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.Success, output);
        output.Should().MatchRegex("user data: [0-9a-f]{64}").And.Contain("certificate OIDs: 1.3.9900.1.1").And.Contain("body: greetings");
    }

    [Test]
    public async Task Probe_in_mutual_mode_is_accepted_by_a_mutual_server_and_reports_json()
    {
        await using var server = await ServeAsync("--mutual");
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy", "--mutual", "--json");
        exitCode.Should().Be(ExitCodes.Success, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("attested").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("body").GetString().Should().Be("hello");
        json.RootElement.GetProperty("userData").GetString().Should().HaveLength(64);
    }

    [Test]
    public async Task Probe_without_a_client_attestation_is_dropped_by_a_mutual_server_and_says_why()
    {
        await using var server = await ServeAsync("--mutual");
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("try --mutual");
    }

    [Test]
    public async Task Probe_rejects_a_server_attested_with_another_variant_and_prints_the_oids()
    {
        var foreign = new DelegatingIssuer(AttestationVariant.GcpSevSnp, (userData, nonce) => new DummyDocument(userData.Span, nonce.Span).ToJsonBytes());
        await using var host = await AtlsKestrelHost.StartAsync(new AtlsOptions { Issuer = foreign });
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{host.Address.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.Rejected);
        output.Should().Contain("attestation rejected").And.Contain($"got extension OIDs [{AttestationVariant.GcpSevSnp.Oid}]");
    }

    [Test]
    public async Task Probe_rejects_when_expected_measurements_are_not_reported_and_lists_each_one()
    {
        await using var server = await ServeAsync();
        var file = Path.Combine(Path.GetTempPath(), $"atls-measurements-{Guid.NewGuid():N}.json");
        var json = "{\"4\":{\"expected\":\"" + new string('a', 64) + "\",\"warnOnly\":false},\"9\":{\"expected\":\"" + new string('b', 64) + "\",\"warnOnly\":false}}";
        await File.WriteAllTextAsync(file, json);
        try
        {
            var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy", "--measurements", file);
            exitCode.Should().Be(ExitCodes.Rejected, output);
            output.Should().Contain("measurements rejected");
            output.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).Should().Be(2);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("localhost", "dummy")]
    [TestCase("127.0.0.1:443", "no-such-variant")]
    public async Task Probe_with_unusable_input_exits_2(string target, string variant)
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", target, "--variant", variant);
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("unusable input");
    }

    [Test]
    public async Task Probe_of_a_closed_port_exits_2()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exitCode, output, _) = await CliRunner.RunAsync("atls", "probe", $"127.0.0.1:{port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("no connection");
    }

    [Test]
    public async Task Serve_answers_GET_and_HEAD_of_the_root_with_the_message_another_path_with_404_and_another_method_with_405()
    {
        await using var server = await ServeAsync("--message", "greetings");
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()));
        var root = new Uri($"https://127.0.0.1:{server.Port}/");

        using (var get = await http.GetAsync(root))
        {
            get.StatusCode.Should().Be(HttpStatusCode.OK);
            get.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
            (await get.Content.ReadAsStringAsync()).Should().Be("greetings");
        }

        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, root)))
        {
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            head.Content.Headers.ContentLength.Should().Be("greetings".Length);
            (await head.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        }

        using (var other = await http.GetAsync(new Uri(root, "/other")))
        {
            other.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await other.Content.ReadAsStringAsync()).Should().BeEmpty();
        }

        using var post = await http.PostAsync(root, new StringContent("x"));
        post.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        post.Content.Headers.Allow.Should().Equal("GET", "HEAD");
    }

    [Test]
    public async Task Serve_in_mutual_mode_refuses_a_client_without_attestation_and_serves_an_attested_one()
    {
        await using var server = await ServeAsync("--mutual", "--message", "for attested clients");
        var root = new Uri($"https://127.0.0.1:{server.Port}/");

        using (var unattested = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating())))
        {
            await unattested.Invoking(h => h.GetAsync(root)).Should().ThrowAsync<HttpRequestException>();
        }

        using var attested = new HttpClient(new AtlsHttpMessageHandler(Dummies.Mutual()));
        using var response = await attested.GetAsync(root);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("for attested clients");
    }

    [Test]
    public async Task Serve_stops_on_SIGTERM_with_exit_0()
    {
        var server = await ServeAsync();
        await using (server)
        {
            (await server.StopAsync()).Should().Be(ExitCodes.Success, server.Process.Log);
        }
    }
}
