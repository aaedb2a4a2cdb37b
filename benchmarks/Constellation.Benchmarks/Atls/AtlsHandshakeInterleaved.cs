using System.Globalization;

namespace Constellation.Benchmarks.Atls;

/// <summary>
/// The two rows of <see cref="AtlsHandshakeBenchmarks"/> (same setup, same methods) measured interleaved: batches of
/// plain and aTLS connections alternate, and the ratio of the median batch times is reported (why: see
/// <see cref="InterleavedComparison"/>). Usage: <c>Constellation.Benchmarks atls-interleaved [seconds]</c>.
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
        var (batches, plain, atls) = await InterleavedComparison.RunAsync(
            async () => await benchmarks.PlainTls13(), async () => await benchmarks.Atls(), Batch, seconds);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{batches} batches of {Batch}: plain TLS 1.3 median {plain:F0} µs, aTLS median {atls:F0} µs, ratio {atls / plain:F3}"));
    }
}
