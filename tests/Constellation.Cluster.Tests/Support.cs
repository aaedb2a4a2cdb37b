using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests;

/// <summary>Collects every formatted log line (and exception text) so tests can assert that secrets never appear.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public static ILoggerFactory CreateFactory(out CapturingLoggerProvider provider)
    {
        var captured = new CapturingLoggerProvider();
        provider = captured;
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Runs a real peer tool; fails loudly when it is missing.</summary>
internal static class Peer
{
    public static string Run(string file, params string[] arguments) => Run(file, null, arguments);

    public static string Run(string file, byte[]? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }

        return output;
    }
}

/// <summary>The keys the cluster KMS derives, for expected values in tests.</summary>
internal static class DataKeys
{
    public static byte[] Disk(Constellation.Cluster.Keys.MasterSecret master, string diskUuid, int length = 32) =>
        Constellation.Cluster.Keys.ClusterKeyDerivation.DeriveDataKey(
            master, Constellation.Cluster.Keys.DataKeyId.StateDisk(Constellation.Cluster.Keys.StateDiskUuid.Parse(diskUuid)), length);

    public static byte[] MeasurementSecret(Constellation.Cluster.Keys.MasterSecret master) =>
        Constellation.Cluster.Keys.ClusterKeyDerivation.DeriveDataKey(master, Constellation.Cluster.Keys.DataKeyId.MeasurementSecret, 32);

    public static byte[] EmergencySshCaSeed(Constellation.Cluster.Keys.MasterSecret master) =>
        Constellation.Cluster.Keys.ClusterKeyDerivation.DeriveDataKey(master, Constellation.Cluster.Keys.DataKeyId.EmergencySshCaSeed, 32);
}
