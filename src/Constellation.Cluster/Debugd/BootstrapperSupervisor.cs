using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// Keeps the node's bootstrapper running (a <see cref="SupervisedProcess"/>: restarted when it dies, SIGTERM then
/// SIGKILL on stop), reads its output into the <see cref="BootstrapperLog"/>, and replaces its executable with a
/// verified upload: stop, keep the old file aside, rename the new one into place, start; if the new one does not
/// start, the old one is put back and started again.
/// </summary>
/// <remarks>Thread safe. One replacement at a time (others wait); <see cref="Status"/> may be read at any time.</remarks>
internal sealed partial class BootstrapperSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan ReaderDrainTimeout = TimeSpan.FromSeconds(5);
    private readonly DebugdOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Task> _readers = [];
    private SupervisedProcess? _process;
    private string _sha256 = string.Empty;
    private DateTimeOffset? _startedAt;
    private int _restarts;
    private int _deploys;

    public BootstrapperSupervisor(DebugdOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Log = new BootstrapperLog(options.LogLines);
    }

    public BootstrapperLog Log { get; }

    public string ExecutablePath => _options.BootstrapperPath;

    /// <summary>A fresh path beside the executable for an upload (same file system, so the rename is atomic).</summary>
    public string NewStagingPath() => Path.Combine(
        Path.GetDirectoryName(_options.BootstrapperPath)!, $".{Path.GetFileName(_options.BootstrapperPath)}.upload-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");

    public DebugdStatus Status
    {
        get
        {
            lock (_gate)
            {
                var pid = _process?.ProcessId;
                return new DebugdStatus(_sha256, pid, pid is null ? null : _startedAt, _restarts, _deploys);
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sha256 = await HashAsync(_options.BootstrapperPath, cancellationToken).ConfigureAwait(false);
        await _replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StartProcessAsync(sha256, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _replacing.Release();
        }
    }

    /// <summary>Replaces the executable with the verified file at <paramref name="stagedPath"/> and restarts the bootstrapper from it.</summary>
    /// <exception cref="DebugdException">The new bootstrapper did not start (the old one runs again).</exception>
    public async Task<DebugdDeployment> ReplaceAsync(string stagedPath, string sha256, CancellationToken cancellationToken)
    {
        await _replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // From here on the replacement is not cancelled half-way: a caller gone after the stop still gets a running node.
            var previous = Status.Sha256;
            var backup = _options.BootstrapperPath + ".previous";
            await StopProcessAsync().ConfigureAwait(false);
            try
            {
                File.Move(_options.BootstrapperPath, backup, overwrite: true);
                File.Move(stagedPath, _options.BootstrapperPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (!File.Exists(_options.BootstrapperPath) && File.Exists(backup))
                {
                    File.Move(backup, _options.BootstrapperPath);
                }

                throw await RestartPreviousAsync(previous, $"deploy: expected to put the new executable in place of {_options.BootstrapperPath}, got: {ex.Message}", ex).ConfigureAwait(false);
            }

            try
            {
                var pid = await StartProcessAsync(sha256, CancellationToken.None).ConfigureAwait(false);
                File.Delete(backup);
                lock (_gate)
                {
                    _deploys++;
                }

                LogDeployed(_logger, previous, sha256, pid);
                return new DebugdDeployment(previous, sha256, pid);
            }
            catch (ClusterException failed)
            {
                File.Move(backup, _options.BootstrapperPath, overwrite: true);
                throw await RestartPreviousAsync(previous, $"deploy: expected the new bootstrapper (sha256 {sha256}) to start, got: {failed.Message}", failed).ConfigureAwait(false);
            }
        }
        finally
        {
            _replacing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _replacing.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopProcessAsync().ConfigureAwait(false);
            Task[] readers;
            lock (_gate)
            {
                readers = [.. _readers];
            }

            // The pipes close when the process exits and the readers end with them, unless a child it left behind still
            // holds them: that child is not ours to wait for.
            try
            {
                await Task.WhenAll(readers).WaitAsync(ReaderDrainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogOutputStillOpen(_logger, ReaderDrainTimeout.TotalSeconds);
            }
        }
        finally
        {
            _replacing.Release();
        }
    }

    // The old executable is back in place: start it again, and say in the error whether that worked.
    private async Task<DebugdException> RestartPreviousAsync(string previous, string failure, Exception cause)
    {
        try
        {
            var pid = await StartProcessAsync(previous, CancellationToken.None).ConfigureAwait(false);
            return new DebugdException($"{failure}; the previous one (sha256 {previous}) was restored and runs again (pid {pid})", cause) { Status = Grpc.Core.StatusCode.FailedPrecondition };
        }
        catch (ClusterException restart)
        {
            return new DebugdException($"{failure}; the previous one (sha256 {previous}) was restored but did not start either: {restart.Message}", cause) { Status = Grpc.Core.StatusCode.Internal };
        }
    }

    internal static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<int> StartProcessAsync(string sha256, CancellationToken cancellationToken)
    {
        var first = true;
        var process = new SupervisedProcess(
            "bootstrapper",
            StartInfo,
            async (p, ct) =>
            {
                // Started means: still running after the settle time (an executable that fails at once is no deploy).
                await Task.Delay(_options.StartSettleTime, ct).ConfigureAwait(false);
                return !p.HasExited;
            },
            _options.StartTimeout,
            _logger,
            started: p =>
            {
                lock (_gate)
                {
                    _startedAt = DateTimeOffset.UtcNow;
                    if (!first)
                    {
                        _restarts++;
                    }

                    first = false;
                    _readers.RemoveAll(t => t.IsCompleted);
                    _readers.Add(ReadAsync(p.StandardOutput, "stdout"));
                    _readers.Add(ReadAsync(p.StandardError, "stderr"));
                }
            });
        try
        {
            await process.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_gate)
        {
            _process = process;
            _sha256 = sha256;
        }

        return process.ProcessId ?? throw new DebugdException("bootstrapper: expected it to run after its start, got no process");
    }

    private async Task StopProcessAsync()
    {
        SupervisedProcess? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }

        if (process is not null)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo(_options.BootstrapperPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_options.BootstrapperPath)!,
        };
        foreach (var argument in _options.BootstrapperArguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private async Task ReadAsync(StreamReader reader, string stream)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Log.Add(new BootstrapperLogLine(stream, line, DateTimeOffset.UtcNow));
                LogOutput(_logger, stream, line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone and its pipe with it.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "bootstrapper {Stream}: {Line}")]
    private static partial void LogOutput(ILogger logger, string stream, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the bootstrapper's output was still open {Timeout} s after it stopped (a process it started holds it); no longer read")]
    private static partial void LogOutputStillOpen(ILogger logger, double timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bootstrapper replaced: sha256 {Previous} -> {Sha256}, pid {Pid}")]
    private static partial void LogDeployed(ILogger logger, string previous, string sha256, int pid);
}
