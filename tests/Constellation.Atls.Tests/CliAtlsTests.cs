using System.CommandLine;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cli;

namespace Constellation.Atls.Tests;

/// <summary><c>constellation atls serve</c> and <c>probe</c>, run in-process against each other over 127.0.0.1.</summary>
public sealed class CliAtlsTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandTree.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private sealed class RunningServer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task<int>? _run;

        public int Port { get; private set; }

        public static async Task<RunningServer> StartAsync(params string[] extra)
        {
            var server = new RunningServer();
            var output = new StringWriter();
            var args = new[] { "atls", "serve", "--variant", "dummy", "--port", "0" }.Concat(extra).ToArray();
            server._run = Task.Run(() => CommandTree.Build().Parse(args).InvokeAsync(
                new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(new StringWriter()) }, server._stop.Token));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!output.ToString().Contains("listening 127.0.0.1:", StringComparison.Ordinal))
            {
                if (server._run.IsCompleted || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"atls serve did not start: {output}");
                }

                await Task.Delay(50);
            }

            server.Port = int.Parse(output.ToString().Trim().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            (await _run!.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(ExitCodes.Success);
            _stop.Dispose();
        }
    }

    [Test]
    public async Task Probe_prints_the_validated_user_data_the_oids_and_the_served_message()
    {
        await using var server = await RunningServer.StartAsync("--message", "greetings");
        var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.Success, output);
        output.Should().MatchRegex("user data: [0-9a-f]{64}").And.Contain("certificate OIDs: 1.3.9900.1.1").And.Contain("body: greetings");
    }

    [Test]
    public async Task Probe_in_mutual_mode_is_accepted_by_a_mutual_server_and_reports_json()
    {
        await using var server = await RunningServer.StartAsync("--mutual");
        var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy", "--mutual", "--json");
        exitCode.Should().Be(ExitCodes.Success, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("attested").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("body").GetString().Should().Be("hello");
        json.RootElement.GetProperty("userData").GetString().Should().HaveLength(64);
    }

    [Test]
    public async Task Probe_without_a_client_attestation_is_dropped_by_a_mutual_server_and_says_why()
    {
        await using var server = await RunningServer.StartAsync("--mutual");
        var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("try --mutual");
    }

    [Test]
    public async Task Probe_rejects_a_server_attested_with_another_variant_and_prints_the_oids()
    {
        var foreign = new DelegatingIssuer(AttestationVariant.GcpSevSnp, (userData, nonce) => new DummyDocument(userData.Span, nonce.Span).ToJsonBytes());
        await using var host = await AtlsKestrelHost.StartAsync(new AtlsOptions { Issuer = foreign });
        var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{host.Address.Port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.Rejected);
        output.Should().Contain("attestation rejected").And.Contain($"got extension OIDs [{AttestationVariant.GcpSevSnp.Oid}]");
    }

    [Test]
    public async Task Probe_rejects_when_expected_measurements_are_not_reported_and_lists_each_one()
    {
        await using var server = await RunningServer.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"atls-measurements-{Guid.NewGuid():N}.json");
        var json = "{\"4\":{\"expected\":\"" + new string('a', 64) + "\",\"warnOnly\":false},\"9\":{\"expected\":\"" + new string('b', 64) + "\",\"warnOnly\":false}}";
        await File.WriteAllTextAsync(file, json);
        try
        {
            var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{server.Port}", "--variant", "dummy", "--measurements", file);
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
        var (exitCode, output, _) = await RunAsync("atls", "probe", target, "--variant", variant);
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("unusable input");
    }

    [Test]
    public async Task Probe_of_a_closed_port_exits_2()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exitCode, output, _) = await RunAsync("atls", "probe", $"127.0.0.1:{port}", "--variant", "dummy");
        exitCode.Should().Be(ExitCodes.UnusableInput);
        output.Should().Contain("no connection");
    }
}
