using System;

namespace Constellation.Cluster.Debugd;

/// <summary>What debugd runs now (the <c>Info</c> call).</summary>
/// <param name="Sha256">The bootstrapper executable's SHA-256, lowercase hex.</param>
/// <param name="ProcessId">The bootstrapper's PID, or <see langword="null"/> when it is not running.</param>
/// <param name="StartedAt">When the current bootstrapper process started, or <see langword="null"/>.</param>
/// <param name="Restarts">How often it was started again after it exited by itself.</param>
/// <param name="Deploys">How often a deploy replaced it.</param>
public sealed record DebugdStatus(string Sha256, int? ProcessId, DateTimeOffset? StartedAt, int Restarts, int Deploys);
