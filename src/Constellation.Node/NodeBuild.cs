using System;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Node;

/// <summary>What this build of the node executable holds.</summary>
internal static class NodeBuild
{
    /// <summary>The runtime configuration switch a debug build sets to true (<c>-p:ConstellationNodeDebugd=true</c>).</summary>
    public const string DebugdSwitch = "Constellation.Node.Debugd";

    /// <summary>
    /// Whether debugd is in this build. A feature switch: every publish sets it, so Native AOT compiles a production
    /// build without debugd's code at all (a production image must not carry a deploy service, not even unreachable).
    /// </summary>
    [FeatureSwitchDefinition(DebugdSwitch)]
    public static bool HasDebugd => AppContext.TryGetSwitch(DebugdSwitch, out var hasDebugd) && hasDebugd;
}
