using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// A process <c>mini</c> started that outlives the CLI: its own session and process group (<c>setsid</c>, so the
/// process ID is the group ID and a terminal's signals or the CLI's exit do not reach it), standard input from
/// <c>/dev/null</c>, standard output and error appended to a log file. Identified by PID and kernel start time, so a
/// reused PID is never taken for it; stopping signals the whole group (the process and any child it started).
/// </summary>
internal sealed record DetachedProcess(int Pid, ulong StartTicks)
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Starts <paramref name="command"/> detached.</summary>
    /// <param name="command">The program and its arguments (run with <c>exec</c>, so the PID is the program's).</param>
    /// <param name="log">The file standard output and error are appended to.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="environment">Variables added to the CLI's environment.</param>
    /// <returns>The process.</returns>
    /// <exception cref="IOException">The process did not start.</exception>
    public static DetachedProcess Start(IReadOnlyList<string> command, string log, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in new[] { "-c", "log=\"$1\"; shift; exec setsid \"$@\" </dev/null >>\"$log\" 2>&1", "sh", log })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new IOException($"{command[0]} did not start");
        var ticks = StartTicksOf(process.Id) ?? throw new IOException($"{command[0]} exited at once (see {log})");
        return new DetachedProcess(process.Id, ticks);
    }

    /// <summary>Gets a value indicating whether the process is still this one and running (not a zombie).</summary>
    public bool IsRunning => StartTicksOf(Pid) == StartTicks;

    /// <summary>Stops the process group: SIGTERM, then SIGKILL after <paramref name="grace"/>; returns once the process is gone.</summary>
    /// <param name="grace">How long a graceful stop may take.</param>
    /// <returns>Whether it stopped gracefully (false: it had to be killed, or was not running).</returns>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (!IsRunning)
        {
            return false;
        }

        _ = Kill(-Pid, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (IsRunning && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        var graceful = !IsRunning;
        if (!graceful)
        {
            _ = Kill(-Pid, SigKill);
        }

        // Other members of the group (a child the process left behind) go too; the group ID is ours. Wait until none
        // is left, not just the leader: a child still exiting may hold files in the directory `down` removes next.
        _ = Kill(-Pid, SigKill);
        for (var i = 0; i < 100 && (IsRunning || GroupMembers(Pid).Count > 0); i++)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        return graceful;
    }

    /// <summary>The kernel start time (clock ticks since boot) of a running process, or null when it does not exist or is a zombie.</summary>
    internal static ulong? StartTicksOf(int pid) =>
        LiveStatFields($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat") is { Length: > 19 } fields
        && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? ticks
            : null;

    /// <summary>The IDs of running processes (not zombies) in a process group.</summary>
    internal static IReadOnlyList<int> GroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && LiveStatFields(Path.Combine(entry, "stat")) is { Length: > 2 } fields
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group) && group == pgid)
            {
                members.Add(pid);
            }
        }

        return members;
    }

    // The fields of /proc/<pid>/stat after "pid (comm) " (comm may hold spaces and parentheses): state, ppid, pgrp, ...,
    // starttime at index 19. Null when the process is gone (also while listing), unreadable, or a zombie.
    private static string[]? LiveStatFields(string statPath)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(statPath);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[0] is "Z" or "X" ? null : fields;
    }

    // Only ints cross: nothing to marshal.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
