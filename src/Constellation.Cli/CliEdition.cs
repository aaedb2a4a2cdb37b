using System;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Cli;

/// <summary>
/// Which of the two Native AOT builds of the CLI this is. The <em>front</em> (<c>constellation</c>) holds only the
/// commands scripts run in loops (<see cref="CommandTree.BuildFront"/>) and hands every other command line to the
/// <em>full</em> build beside it (<see cref="FullCliHandOver"/>). The switch is a trimming feature switch: a front
/// publish (<c>-p:ConstellationCliFront=true</c>) sets it at compile time, so Native AOT drops the full command tree
/// (the cluster, cloud and ASP.NET Core code) from the front binary. That halves the binary and the pages a process
/// touches at start (issue #23). Unset, as in the dotnet tool package and in tests, the build is the full CLI.
/// </summary>
internal static class CliEdition
{
    /// <summary>The runtime configuration switch a front publish sets.</summary>
    public const string FrontSwitch = "Constellation.Cli.Front";

    /// <summary>The file name of the full build, which the front looks for in its own directory.</summary>
    public const string FullBinaryName = "constellation-full";

    /// <summary>Whether this is the front build.</summary>
    [FeatureSwitchDefinition(FrontSwitch)]
    public static bool IsFront => AppContext.TryGetSwitch(FrontSwitch, out var isFront) && isFront;
}
