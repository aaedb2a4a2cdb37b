using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The bootstrapper's child <c>constellation-cluster-services</c>, supervised (<see cref="SupervisedProcess"/>): started
/// with its configuration file and this process as its parent (it stops when the bootstrapper is gone), ready once its
/// status file names its PID and join endpoint.
/// </summary>
internal sealed class ClusterServicesProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _executable;
    private readonly string _configFile;
    private readonly string _statusFile;
    private readonly SupervisedProcess _process;
    private string? _joinEndpoint;

    public ClusterServicesProcess(string executable, string configFile, string statusFile, ILogger logger, Action changed)
    {
        _executable = executable;
        _configFile = configFile;
        _statusFile = statusFile;
        _process = new SupervisedProcess("cluster services", StartInfo, IsReady, ReadyTimeout, logger, ready =>
        {
            if (!ready)
            {
                Volatile.Write(ref _joinEndpoint, null);
            }

            changed();
        });
    }

    /// <summary>Gets the running child's PID, or <see langword="null"/>.</summary>
    public int? ProcessId => _process.ProcessId;

    /// <summary>Gets the join service endpoint the running child reported, or <see langword="null"/>.</summary>
    public string? JoinEndpoint => Volatile.Read(ref _joinEndpoint);

    /// <summary>Starts the child and waits until it serves; then keeps it running.</summary>
    /// <exception cref="ClusterException">The child exited or did not become ready in time.</exception>
    public Task StartAsync(CancellationToken cancellationToken) => _process.StartAsync(cancellationToken);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private ProcessStartInfo StartInfo()
    {
        var start = _executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(DotnetHost()) { ArgumentList = { _executable } }
            : new ProcessStartInfo(_executable);
        start.ArgumentList.Add(DaemonConfiguration.ConfigFlag);
        start.ArgumentList.Add(_configFile);
        start.ArgumentList.Add("--parent-process-id");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return start;
    }

    private ValueTask<bool> IsReady(Process process, CancellationToken cancellationToken)
    {
        var endpoint = ReadStatus(process.Id);
        Volatile.Write(ref _joinEndpoint, endpoint);
        return ValueTask.FromResult(endpoint is not null);
    }

    private string? ReadStatus(int pid)
    {
        try
        {
            using var status = JsonDocument.Parse(File.ReadAllBytes(_statusFile));
            var root = status.RootElement;
            return root.TryGetProperty("pid", out var p) && p.TryGetInt32(out var reported) && reported == pid
                && root.TryGetProperty("joinEndpoint", out var endpoint) && endpoint.ValueKind == JsonValueKind.String
                ? endpoint.GetString()
                : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The dotnet host that runs this process (when run as `dotnet constellation-bootstrapper.dll`), else the one on PATH.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
