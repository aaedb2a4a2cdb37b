using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The bootstrapper's child <c>constellation-cluster-services</c>: started with its configuration file and this
/// process as its parent (it stops when the bootstrapper is gone), restarted with a doubling delay when it dies,
/// stopped with SIGTERM (then SIGKILL after <see cref="StopTimeout"/>). Ready once its status file names its PID.
/// </summary>
/// <remarks>Its standard error (one log line per event) is the bootstrapper's, so both land in the node's log.</remarks>
internal sealed partial class ClusterServicesProcess : IAsyncDisposable
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly string _executable;
    private readonly string _configFile;
    private readonly string _statusFile;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private string? _joinEndpoint;
    private int _disposed;

    public ClusterServicesProcess(string executable, string configFile, string statusFile, ILogger logger, Action changed)
    {
        _executable = executable;
        _configFile = configFile;
        _statusFile = statusFile;
        _logger = logger;
        _changed = changed;
    }

    /// <summary>Gets the running child's PID, or <see langword="null"/>.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    /// <summary>Gets the join service endpoint the running child reported, or <see langword="null"/>.</summary>
    public string? JoinEndpoint => Volatile.Read(ref _joinEndpoint);

    /// <summary>Starts the child and waits until it serves; then keeps it running.</summary>
    /// <exception cref="ClusterException">The child exited or did not become ready in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var process = Spawn();
        await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
        _supervision = Task.Run(() => SuperviseAsync(process, _stopping.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _supervision.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }

        if (process is not null)
        {
            await StopAsync(process).ConfigureAwait(false);
            process.Dispose();
        }

        Volatile.Write(ref _joinEndpoint, null);
        _stopping.Dispose();
    }

    private Process Spawn()
    {
        var start = _executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(DotnetHost()) { ArgumentList = { _executable } }
            : new ProcessStartInfo(_executable);
        start.ArgumentList.Add(DaemonConfiguration.ConfigFlag);
        start.ArgumentList.Add(_configFile);
        start.ArgumentList.Add("--parent-process-id");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.UseShellExecute = false;

        // No stdin: the child reads nothing from the bootstrapper's terminal. Its output is the node's log.
        start.RedirectStandardInput = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ClusterException($"cluster services: could not start {_executable}");
        }
        catch (Win32Exception ex)
        {
            throw new ClusterException($"cluster services: could not start {_executable}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        lock (_gate)
        {
            _process = process;
        }

        LogStarted(_logger, process.Id, _executable);
        return process;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new ClusterException($"cluster services: expected them to serve, got an exit with code {process.ExitCode} before they were ready (see the log above)");
                }

                if (ReadStatus(process.Id) is { } endpoint)
                {
                    Volatile.Write(ref _joinEndpoint, endpoint);
                    LogReady(_logger, process.Id, endpoint);
                    _changed();
                    return;
                }

                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            await StopAsync(process).ConfigureAwait(false);
            throw new ClusterException($"cluster services: expected them to serve within {ReadyTimeout.TotalSeconds} s, got no status naming PID {process.Id} in {_statusFile}");
        }
    }

    private async Task SuperviseAsync(Process process, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _joinEndpoint, null);
            _changed();
            LogDied(_logger, process.Id, process.ExitCode, delay.TotalSeconds);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
            lock (_gate)
            {
                _process?.Dispose();
                _process = null;
            }

            try
            {
                process = Spawn();
                await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (ClusterException ex)
            {
                LogRestartFailed(_logger, ex.Message);
                lock (_gate)
                {
                    process = _process ?? process;
                }
            }
        }
    }

    private async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        ProcessSignals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            LogStopped(_logger, process.Id, process.ExitCode);
        }
        catch (OperationCanceledException)
        {
            LogKilled(_logger, process.Id, StopTimeout.TotalSeconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster services started (pid {Pid}, {Executable})")]
    private static partial void LogStarted(ILogger logger, int pid, string executable);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster services serving (pid {Pid}); join service at {Endpoint}")]
    private static partial void LogReady(ILogger logger, int pid, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster services (pid {Pid}) exited with code {ExitCode}; restarting in {Delay} s")]
    private static partial void LogDied(ILogger logger, int pid, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "restarting the cluster services failed: {Error}")]
    private static partial void LogRestartFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster services (pid {Pid}) stopped with code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster services (pid {Pid}) did not stop within {Timeout} s of SIGTERM; killed")]
    private static partial void LogKilled(ILogger logger, int pid, double timeout);
}
