using System.Diagnostics.Metrics;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>Two complete, different policies and the documents that satisfy exactly one of them.</summary>
internal static class PolicyFixtures
{
    public static readonly uint[] Indices = [4, 8, 9, 12];

    public static MeasurementSet Measurements(byte fill) =>
        new(Indices.Select(i => new KeyValuePair<uint, Measurement>(i, new Measurement(Enumerable.Repeat(fill, 32).ToArray()))));

    public static AttestationConfig Config(byte fill, AttestationVariant? variant = null) =>
        new MeasurementsAttestationConfig(variant ?? AttestationVariant.Dummy, Measurements(fill));

    public static string Json(byte fill) => AttestationConfigJson.Serialize(Config(fill));

    public static byte[] DocumentFor(byte fill) =>
        PolicyTestValidator.Document(Indices.ToDictionary(i => i, _ => Enumerable.Repeat(fill, 32).ToArray()));

    public static AttestationValidatorFactory Factory() => new AttestationValidatorFactory()
        .Register(AttestationVariant.Dummy, c => new PolicyTestValidator(c))
        .Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(c));

    public static UpdateableValidatorOptions FastOptions(bool watch = true) => new()
    {
        WatchForChanges = watch,
        Debounce = TimeSpan.FromMilliseconds(20),
        PollInterval = null,
    };

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        // A generous guard against hangs, not a timing assertion.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Counts what the policy meter reports.</summary>
internal sealed class PolicyMeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _reloads;
    private long _failures;

    public PolicyMeterRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PolicyMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "constellation.attestation.policy.reloads")
            {
                Interlocked.Add(ref _reloads, value);
            }
            else if (instrument.Name == "constellation.attestation.policy.reload_failures")
            {
                Interlocked.Add(ref _failures, value);
            }
        });
        _listener.Start();
    }

    public long Reloads => Interlocked.Read(ref _reloads);

    public long Failures => Interlocked.Read(ref _failures);

    public void Dispose() => _listener.Dispose();
}
