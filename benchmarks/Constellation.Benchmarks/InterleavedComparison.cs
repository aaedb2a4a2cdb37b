using System.Diagnostics;
using System.Globalization;

namespace Constellation.Benchmarks;

/// <summary>
/// Two benchmark methods measured interleaved: batches of each alternate, and the ratio of the median batch times is
/// reported. On a machine shared with other work, BenchmarkDotNet measures one row after the other, so a change in load
/// between them moves the ratio by tens of percent; alternating batches exposes both rows to the same load. Not a
/// replacement for the BenchmarkDotNet run, a cross-check for it.
/// </summary>
public static class InterleavedComparison
{
    /// <summary>Warms both methods up, alternates batches for <paramref name="seconds"/>, and returns the two medians.</summary>
    /// <param name="baseline">The baseline operation.</param>
    /// <param name="candidate">The operation compared with it.</param>
    /// <param name="batch">Operations per batch.</param>
    /// <param name="seconds">How long to alternate batches.</param>
    /// <returns>The number of batch pairs and the median time per operation of each, in microseconds.</returns>
    public static async Task<(int Batches, double BaselineMicroseconds, double CandidateMicroseconds)> RunAsync(
        Func<ValueTask> baseline, Func<ValueTask> candidate, int batch, double seconds)
    {
        for (var i = 0; i < 4 * batch; i++)
        {
            await baseline();
            await candidate();
        }

        var baselineTimes = new List<double>();
        var candidateTimes = new List<double>();
        var total = Stopwatch.StartNew();
        var clock = new Stopwatch();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            clock.Restart();
            for (var i = 0; i < batch; i++)
            {
                await baseline();
            }

            baselineTimes.Add(clock.Elapsed.TotalMicroseconds / batch);
            clock.Restart();
            for (var i = 0; i < batch; i++)
            {
                await candidate();
            }

            candidateTimes.Add(clock.Elapsed.TotalMicroseconds / batch);
        }

        return (baselineTimes.Count, Median(baselineTimes), Median(candidateTimes));
    }

    /// <summary>Reads the optional seconds argument after the command word.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The seconds (20 when not given).</returns>
    public static double Seconds(string[] args) =>
        args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 20;

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
