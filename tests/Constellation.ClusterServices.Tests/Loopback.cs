namespace Constellation.ClusterServices.Tests;

internal static class Loopback
{
    /// <summary>A loopback address of its own for a fixture (127.0.x.y, x from the test process, y per fixture).</summary>
    public static string Address(int fixture) => $"127.0.{(Environment.ProcessId % 200) + 20}.{fixture + 100}";
}
