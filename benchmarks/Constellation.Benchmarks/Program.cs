using BenchmarkDotNet.Running;

namespace Constellation.Benchmarks;

/// <summary>Runs the benchmarks selected on the command line, e.g. <c>--filter *Measurement*</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["atls-interleaved", ..])
        {
            Atls.AtlsHandshakeInterleaved.RunAsync(InterleavedComparison.Seconds(args), Console.Out).GetAwaiter().GetResult();
            return;
        }

        if (args is ["vtpm-interleaved", ..])
        {
            Vtpm.VtpmValidationInterleaved.RunAsync(InterleavedComparison.Seconds(args), Console.Out).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
