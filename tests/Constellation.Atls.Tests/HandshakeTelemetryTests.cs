using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Constellation.Atls.Diagnostics;
using Constellation.Atls.Http;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Variants.Dummy;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Atls.Tests;

/// <summary>
/// aTLS handshakes are recorded in <see cref="AtlsMetrics.HandshakeDurationInstrument"/> (by role, outcome and
/// failure reason) when <see cref="AtlsOptions.Metrics"/> is set, and traced as <c>atls.handshake</c> activities.
/// Measurements are collected only from this fixture's own meter (a meter factory scopes them), afresh for each test.
/// </summary>
public sealed class HandshakeTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly AtlsMetrics _metrics;
    private readonly ConcurrentQueue<Instrument> _instruments = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Dictionary<string, object?>> _handshakes = new();

    public HandshakeTelemetryTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new AtlsMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == AtlsMetrics.HandshakeDurationInstrument)
            {
                _instruments.Enqueue(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var copy = new Dictionary<string, object?> { ["seconds"] = seconds };
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _handshakes.Enqueue(copy);
        });
        _listener.Start();
    }

    [SetUp]
    public void ForgetEarlierTests() => _handshakes.Clear();

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _services.Dispose();
    }

    [Test]
    public void The_handshake_instrument_keeps_its_name_unit_and_meter_so_dashboards_and_collectors_keep_working()
    {
        // Literals on purpose: these names are what dashboards and AddMeter calls already use.
        var instrument = _instruments.Should().ContainSingle().Subject;
        instrument.Name.Should().Be("constellation.atls.handshake.duration");
        instrument.Unit.Should().Be("s");
        instrument.Meter.Name.Should().Be("Constellation.Attestation").And.Be(AttestationTelemetry.MeterName);
        instrument.Should().BeOfType<Histogram<double>>();
    }

    [Test]
    public async Task A_successful_connection_is_recorded_once_for_the_client_and_once_for_the_server()
    {
        var outcome = await Loopback.RunAsync(
            new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer(), Metrics = _metrics }),
            new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()], Metrics = _metrics }));
        try
        {
            (await outcome.Client).Peer!.IsAttested.Should().BeTrue();
            _handshakes.Select(h => (h["role"], h["outcome"])).Should().BeEquivalentTo(new[] { ("client", "success"), ("server", "success") });
            _handshakes.Should().AllSatisfy(h => ((double)h["seconds"]!).Should().BePositive());
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task A_rejected_client_is_recorded_as_a_server_failure_with_a_reason_and_no_message()
    {
        var outcome = await Loopback.RunAsync(
            new AtlsServer(new AtlsOptions { Validators = [new DummyValidator()], Metrics = _metrics }),
            new AtlsClient(new AtlsOptions { AllowUnverifiedPeer = true }));
        try
        {
            var act = async () => await outcome.Server;
            await act.Should().ThrowAsync<Exception>();
            var server = _handshakes.Should().ContainSingle(h => Equals(h["role"], "server")).Subject;
            server["outcome"].Should().Be("failure");
            server["reason"].Should().BeOfType<string>().Which.Should().NotBeEmpty().And.NotContain(" ", "the reason is the error type, never its message");
        }
        finally
        {
            await Loopback.DisposeAsync(outcome);
        }
    }

    [Test]
    public async Task Nothing_is_recorded_without_metrics_but_each_client_handshake_is_still_traced()
    {
        using var test = new ActivitySource("Constellation.Atls.Tests.Telemetry");
        var traced = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AttestationTelemetry.ActivitySourceName or "Constellation.Atls.Tests.Telemetry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = traced.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        using var parent = test.StartActivity("test")!;

        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating()));
        (await http.GetStringAsync(host.Address)).Should().StartWith("hello");

        _handshakes.Should().BeEmpty("no options instance was given metrics");
        var handshake = traced.Should().ContainSingle(a => a.OperationName == "atls.handshake" && a.RootId == parent.RootId).Subject;
        handshake.GetTagItem("atls.role").Should().Be("client");
        handshake.GetTagItem("atls.peer.attested").Should().Be(true);
        handshake.GetTagItem("attestation.variant").Should().Be("dummy");
        handshake.Status.Should().NotBe(ActivityStatusCode.Error);
    }

    [Test]
    public async Task A_kestrel_server_with_metrics_records_its_handshakes()
    {
        await using var host = await AtlsKestrelHost.StartAsync(new AtlsOptions { Issuer = new DummyIssuer(), Metrics = _metrics });
        using var http = new HttpClient(new AtlsHttpMessageHandler(new AtlsOptions { Validators = [new DummyValidator()], Metrics = _metrics }));

        (await http.GetStringAsync(host.Address)).Should().StartWith("hello");

        _handshakes.Select(h => (h["role"], h["outcome"])).Should().BeEquivalentTo(new[] { ("client", "success"), ("server", "success") });
    }
}
