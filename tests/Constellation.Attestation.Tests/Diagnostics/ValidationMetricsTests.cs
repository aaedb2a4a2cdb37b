using System.Diagnostics;
using System.Diagnostics.Metrics;
using Constellation.Attestation;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Tests.Diagnostics;

public class ValidationMetricsTests
{
    private static readonly byte[] Nonce = Enumerable.Repeat((byte)7, 32).ToArray();

    [Test]
    public async Task Known_validations_are_counted_by_variant_outcome_and_reason()
    {
        using var metrics = new AttestationMetrics();
        var counts = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AttestationTelemetry.MeterName
                && instrument.Name == AttestationTelemetry.ValidationsInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (counts)
            {
                counts.Add((value, copy));
            }
        });
        listener.Start();

        var validator = new InstrumentedAttestationValidator(new DummyValidator(), metrics);
        var good = await new DummyIssuer().IssueAsync(new byte[32], Nonce);
        var wrongNonce = await new DummyIssuer().IssueAsync(new byte[32], new byte[32]);
        await validator.ValidateAsync(good, Nonce);
        await validator.ValidateAsync(good, Nonce);
        var act = async () => await validator.ValidateAsync(wrongNonce, Nonce);
        await act.Should().ThrowAsync<AttestationBindingException>();
        var malformed = async () => await validator.ValidateAsync("{"u8.ToArray(), Nonce);
        await malformed.Should().ThrowAsync<AttestationFormatException>();

        counts.Where(c => Equals(c.Tags["outcome"], "success") && Equals(c.Tags["variant"], "dummy")).Sum(c => c.Value).Should().Be(2);
        counts.Where(c => Equals(c.Tags["outcome"], "failure")).Select(c => c.Tags["reason"]).Should().BeEquivalentTo(new[] { "Binding", "Format" });
    }

    [Test]
    public async Task Each_validation_starts_an_activity_tagged_with_the_variant()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AttestationTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var metrics = new AttestationMetrics();
        var validator = new InstrumentedAttestationValidator(new DummyValidator(), metrics);

        await validator.ValidateAsync(await new DummyIssuer().IssueAsync(new byte[1], Nonce), Nonce);

        stopped.Should().Contain(a => a.OperationName == "attestation.validate" && Equals(a.GetTagItem("attestation.variant"), "dummy"));
    }

    [TestCase(typeof(MeasurementMismatchException), "MeasurementMismatch")]
    [TestCase(typeof(AttestationSignatureException), "Signature")]
    [TestCase(typeof(CertificateChainException), "CertificateChain")]
    [TestCase(typeof(OperationCanceledException), "Canceled")]
    public void Failure_reasons_are_short_type_names(Type exceptionType, string reason)
    {
        AttestationMetrics.ReasonOf((Exception)Activator.CreateInstance(exceptionType)!).Should().Be(reason);
    }
}
