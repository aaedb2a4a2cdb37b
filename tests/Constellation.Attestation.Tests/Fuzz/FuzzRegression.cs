using Constellation.Tests;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>Reads the checked-in inputs the fuzzer found (<c>tests/Fuzz/regressions/&lt;harness&gt;/</c>).</summary>
internal static class FuzzRegression
{
    public static byte[] Input(string harness, string name) =>
        File.ReadAllBytes(TestData.Repository(Path.Combine("tests", "Fuzz", "regressions", harness, name)));

    public static string Text(string harness, string name) => System.Text.Encoding.UTF8.GetString(Input(harness, name));
}
