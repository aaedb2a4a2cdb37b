using BenchmarkDotNet.Running;

namespace Constellation.Benchmarks;

/// <summary>Runs the benchmarks selected on the command line, e.g. <c>--filter *Measurement*</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
