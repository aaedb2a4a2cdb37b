using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;

namespace Constellation.Attestation.Policy;

/// <summary>
/// Signals when a policy file may have changed. Watches the file's directory (not the file), because the
/// Kubernetes ConfigMap update never touches the file: it renames a new <c>..data</c> symlink over the old one.
/// Also watches the directory of the file's resolved target when it lies elsewhere.
/// </summary>
internal sealed class PolicyFileWatcher : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Action _signal;
    private readonly ILogger _logger;

    public PolicyFileWatcher(string path, Action signal, ILogger logger)
    {
        _signal = signal;
        _logger = logger;
        var directories = new HashSet<string>(StringComparer.Ordinal) { Path.GetDirectoryName(path)! };
        var target = TryResolveDirectory(path);
        if (target is not null)
        {
            directories.Add(target);
        }

        foreach (var directory in directories)
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                    | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.Attributes,
            };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private static string? TryResolveDirectory(string path)
    {
        try
        {
            var resolved = File.ResolveLinkTarget(path, returnFinalTarget: true);
            return resolved is null ? null : Path.GetDirectoryName(resolved.FullName);
        }
        catch (IOException)
        {
            // A dangling or missing link is fine here: the directory watch still sees it appear.
            return null;
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        var watcher = (FileSystemWatcher)sender;
        PolicyLog.ChangeSeen(_logger, e.ChangeType, e.Name, watcher.Path);
        _signal();
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        var watcher = (FileSystemWatcher)sender;
        PolicyLog.WatcherFailed(_logger, e.GetException(), watcher.Path);

        // An overflow or a lost watch means events were missed: re-arm and reload unconditionally.
        try
        {
            watcher.EnableRaisingEvents = false;
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or ObjectDisposedException)
        {
            PolicyLog.WatcherFailed(_logger, ex, watcher.Path);
        }

        _signal();
    }
}
