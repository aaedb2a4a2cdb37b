using System;

namespace Constellation.Cluster.Debugd;

/// <summary>One line the supervised bootstrapper wrote.</summary>
/// <param name="Stream">Where it wrote it: <c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The line, without its line ending.</param>
/// <param name="Time">When debugd read it.</param>
public sealed record BootstrapperLogLine(string Stream, string Text, DateTimeOffset Time);
