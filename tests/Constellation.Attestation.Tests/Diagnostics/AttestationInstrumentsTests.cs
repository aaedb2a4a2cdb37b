using System.Diagnostics.Metrics;
using Constellation.Attestation.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Attestation.Tests.Diagnostics;

/// <summary>The attestation library publishes its own instruments only; aTLS's handshake histogram belongs to Constellation.Atls.</summary>
public sealed class AttestationInstrumentsTests
{
    [Test]
    public void The_attestation_metrics_publish_validation_and_cache_instruments_and_no_atls_instrument()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var metrics = new AttestationMetrics(factory);
        var published = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    published.Add(instrument.Name);
                }
            },
        };

        listener.Start();

        published.Should().BeEquivalentTo(
            [AttestationTelemetry.ValidationsInstrument, AttestationTelemetry.ValidationDurationInstrument, AttestationTelemetry.CollateralCacheInstrument]);
        published.Should().NotContain(name => name.StartsWith("constellation.atls.", StringComparison.Ordinal));
    }
}
