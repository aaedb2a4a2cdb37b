using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Constellation.Attestation;

namespace Constellation.Benchmarks;

/// <summary>Comparing 24 reported PCRs with a full measurement set, against hashing the same bytes once.</summary>
[MemoryDiagnoser]
public class MeasurementComparisonBenchmarks
{
    private MeasurementSet _expected = MeasurementSet.Empty;
    private Dictionary<uint, byte[]> _actual = new();
    private byte[] _concatenated = [];

    [GlobalSetup]
    public void Setup()
    {
        _actual = Enumerable.Range(0, 24).ToDictionary(i => (uint)i, _ => RandomNumberGenerator.GetBytes(32));
        _expected = new MeasurementSet(_actual.Select(kv => new KeyValuePair<uint, Measurement>(kv.Key, new Measurement(kv.Value))));
        _concatenated = _actual.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value).ToArray();
    }

    [Benchmark(Baseline = true)]
    public byte[] PcrDigestOnly() => SHA256.HashData(_concatenated);

    [Benchmark]
    public bool CompareAllPcrs() => _expected.Compare(_actual).Succeeded;
}
