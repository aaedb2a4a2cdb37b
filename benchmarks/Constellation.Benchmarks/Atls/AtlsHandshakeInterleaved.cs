using System.Diagnostics;
using System.Globalization;

namespace Constellation.Benchmarks.Atls;

/// <summary>
/// The two rows of <see cref="AtlsHandshakeBenchmarks"/> (same setup, same methods) measured interleaved: batches of
/// plain and aTLS connections alternate, and the ratio of the median batch times is reported. On a machine shared with
/// other work, BenchmarkDotNet measures one row after the other, so a change in load between them moves the ratio by
/// ±40 %; alternating batches exposes both rows to the same load. Not a replacement for the BenchmarkDotNet run, a
/// cross-check for it. Usage: <c>Constellation.Benchmarks atls-interleaved [seconds]</c>.
/// </summary>
public static class AtlsHandshakeInterleaved
{
    private const int Batch = 25;

    /// <summary>Runs the comparison and prints one line.</summary>
    /// <param name="seconds">How long to alternate batches.</param>
    /// <param name="output">Where the result line goes.</param>
    /// <returns>A task that completes when done.</returns>
    public static async Task RunAsync(double seconds, TextWriter output)
    {
        using var benchmarks = new AtlsHandshakeBenchmarks();
        benchmarks.Setup();
        for (var i = 0; i < 100; i++)
        {
            await benchmarks.PlainTls13();
            await benchmarks.Atls();
        }

        var plain = new List<double>();
        var atls = new List<double>();
        var total = Stopwatch.StartNew();
        var batch = new Stopwatch();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            batch.Restart();
            for (var i = 0; i < Batch; i++)
            {
                await benchmarks.PlainTls13();
            }

            plain.Add(batch.Elapsed.TotalMicroseconds / Batch);
            batch.Restart();
            for (var i = 0; i < Batch; i++)
            {
                await benchmarks.Atls();
            }

            atls.Add(batch.Elapsed.TotalMicroseconds / Batch);
        }

        var plainMedian = Median(plain);
        var atlsMedian = Median(atls);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{plain.Count} batches of {Batch}: plain TLS 1.3 median {plainMedian:F0} µs, aTLS median {atlsMedian:F0} µs, ratio {atlsMedian / plainMedian:F3}"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
