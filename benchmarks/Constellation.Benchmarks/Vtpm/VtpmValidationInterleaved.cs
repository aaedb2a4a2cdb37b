using System.Globalization;

namespace Constellation.Benchmarks.Vtpm;

/// <summary>
/// The baseline and the full validation of <see cref="VtpmValidationBenchmarks"/> (same setup, same methods) measured
/// interleaved (see <see cref="InterleavedComparison"/>). Usage: <c>Constellation.Benchmarks vtpm-interleaved [seconds]</c>.
/// </summary>
public static class VtpmValidationInterleaved
{
    private const int Batch = 200;

    /// <summary>Runs the comparison and prints one line.</summary>
    /// <param name="seconds">How long to alternate batches.</param>
    /// <param name="output">Where the result line goes.</param>
    /// <returns>A task that completes when done.</returns>
    public static async Task RunAsync(double seconds, TextWriter output)
    {
        var benchmarks = new VtpmValidationBenchmarks();
        benchmarks.Setup();
        try
        {
            var (batches, bare, validate) = await InterleavedComparison.RunAsync(
                () => { benchmarks.BareSignature(); return ValueTask.CompletedTask; },
                () => { benchmarks.ValidateDocument(); return ValueTask.CompletedTask; },
                Batch,
                seconds);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{batches} batches of {Batch}: bare AK verify median {bare:F2} µs, vTPM validation median {validate:F2} µs, validations/s ÷ verifications/s {bare / validate:F3}"));
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }
}
