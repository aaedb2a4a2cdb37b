using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Tests;
using Constellation.Tests.Daemons;

namespace Constellation.Bootstrapper.Tests;

/// <summary>Where the built daemons are, and settings every test node needs.</summary>
internal static class Daemon
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static string Bootstrapper => DaemonProcess.BuiltAssembly("Constellation.Bootstrapper", "constellation-bootstrapper");

    public static string ClusterServices => DaemonProcess.BuiltAssembly("Constellation.ClusterServices", "constellation-cluster-services");

    public static string Cli => DaemonProcess.BuiltAssembly("Constellation.Cli", "constellation");

    /// <summary>A bcrypt hash (cost 4) of an init secret nobody uses.</summary>
    public static string AnyInitSecretHash { get; } = InitSecretHash.Hash("unused-init-secret"u8, cost: 4);

    /// <summary>A loopback address of its own for a test node (127.0.0.x with x from a range per fixture).</summary>
    public static string Loopback(int node) => $"127.0.{(Environment.ProcessId % 200) + 20}.{node + 2}";
}
