namespace Constellation.Cluster.Debugd;

/// <summary>What a deploy replaced.</summary>
/// <param name="PreviousSha256">The replaced executable's SHA-256, lowercase hex.</param>
/// <param name="Sha256">The new executable's SHA-256, lowercase hex.</param>
/// <param name="ProcessId">The PID of the bootstrapper started from the new executable.</param>
public sealed record DebugdDeployment(string PreviousSha256, string Sha256, int ProcessId);
