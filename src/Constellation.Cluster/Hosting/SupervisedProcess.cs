using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// A child process a daemon keeps running: started, awaited until its readiness probe says it serves, restarted with a
/// doubling delay (1 s up to <see cref="MaxRestartDelay"/>) whenever it dies, and stopped with SIGTERM, then SIGKILL of
/// its process tree after <see cref="StopTimeout"/>. Its standard output and error are the daemon's (one log for the
/// node) unless the start information redirects them (then the <c>started</c> callback reads them); it gets no
/// standard input.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="StartAsync"/> once; <see cref="DisposeAsync"/> stops it and waits until it has exited (so
/// its ports, files and sockets are free when dispose returns).
/// </remarks>
internal sealed partial class SupervisedProcess : IAsyncDisposable
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly string _name;
    private readonly Func<ProcessStartInfo> _startInfo;
    private readonly Func<Process, CancellationToken, ValueTask<bool>> _isReady;
    private readonly TimeSpan _readyTimeout;
    private readonly ILogger _logger;
    private readonly Action<bool> _changed;
    private readonly Action<Process> _started;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private int _ready;
    private int _disposed;

    /// <summary>Creates the supervisor (nothing starts before <see cref="StartAsync"/>).</summary>
    /// <param name="name">What the process is, for log lines and errors (e.g. "cluster services", "etcd member m1").</param>
    /// <param name="startInfo">Builds the start information for every start (executable, arguments, environment).</param>
    /// <param name="isReady">Whether the started process serves yet; polled every 50 ms until it says so.</param>
    /// <param name="readyTimeout">How long a start may take before it counts as failed.</param>
    /// <param name="logger">Receives start, ready, exit, restart and stop lines.</param>
    /// <param name="changed">Called with <see langword="true"/> when the process serves and <see langword="false"/> when it died or stopped.</param>
    /// <param name="started">
    /// Called with every new child right after it started, before readiness is polled (e.g. to read its output when
    /// <paramref name="startInfo"/> redirects it).
    /// </param>
    public SupervisedProcess(
        string name,
        Func<ProcessStartInfo> startInfo,
        Func<Process, CancellationToken, ValueTask<bool>> isReady,
        TimeSpan readyTimeout,
        ILogger logger,
        Action<bool>? changed = null,
        Action<Process>? started = null)
    {
        _name = name;
        _startInfo = startInfo;
        _isReady = isReady;
        _readyTimeout = readyTimeout;
        _logger = logger;
        _changed = changed ?? (_ => { });
        _started = started ?? (_ => { });
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

    /// <summary>Gets whether the current child has been seen ready and has not died since.</summary>
    public bool IsReady => Volatile.Read(ref _ready) != 0;

    /// <summary>Starts the child and waits until it serves; then keeps it running.</summary>
    /// <param name="cancellationToken">Cancels the wait (the child is stopped then).</param>
    /// <returns>A task that completes when the child serves.</returns>
    /// <exception cref="ClusterException">The child could not start, exited, or did not become ready in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var process = Spawn();
        try
        {
            await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process).ConfigureAwait(false);
            throw;
        }

        _supervision = Task.Run(() => SuperviseAsync(process, _stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc />
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

        SetReady(false);
        _stopping.Dispose();
    }

    private Process Spawn()
    {
        var start = _startInfo();
        start.UseShellExecute = false;

        // No stdin: the child reads nothing from the daemon's terminal. Its output is the node's log.
        start.RedirectStandardInput = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ClusterException($"{_name}: could not start {start.FileName}");
        }
        catch (Win32Exception ex)
        {
            throw new ClusterException($"{_name}: could not start {start.FileName}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        lock (_gate)
        {
            _process = process;
        }

        LogStarted(_logger, _name, process.Id, start.FileName);
        _started(process);
        return process;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(_readyTimeout);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new ClusterException($"{_name}: expected it to serve, got an exit with code {process.ExitCode} before it was ready (see the log above)");
                }

                if (await _isReady(process, timeout.Token).ConfigureAwait(false))
                {
                    LogReady(_logger, _name, process.Id);
                    SetReady(true);
                    return;
                }

                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            await StopAsync(process).ConfigureAwait(false);
            throw new ClusterException($"{_name}: expected it to serve within {_readyTimeout.TotalSeconds} s, got a process (PID {process.Id}) that did not");
        }
    }

    private async Task SuperviseAsync(Process process, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            SetReady(false);
            LogDied(_logger, _name, process.Id, process.ExitCode, delay.TotalSeconds);
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
                LogRestartFailed(_logger, _name, ex.Message);
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
            LogStopped(_logger, _name, process.Id, process.ExitCode);
        }
        catch (OperationCanceledException)
        {
            LogKilled(_logger, _name, process.Id, StopTimeout.TotalSeconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void SetReady(bool ready)
    {
        if (Interlocked.Exchange(ref _ready, ready ? 1 : 0) != (ready ? 1 : 0))
        {
            _changed(ready);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} started (pid {Pid}, {Executable})")]
    private static partial void LogStarted(ILogger logger, string name, int pid, string executable);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} serving (pid {Pid})")]
    private static partial void LogReady(ILogger logger, string name, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {Pid}) exited with code {ExitCode}; restarting in {Delay} s")]
    private static partial void LogDied(ILogger logger, string name, int pid, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "restarting {Name} failed: {Error}")]
    private static partial void LogRestartFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} (pid {Pid}) stopped with code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, string name, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {Pid}) did not stop within {Timeout} s of SIGTERM; killed")]
    private static partial void LogKilled(ILogger logger, string name, int pid, double timeout);
}
