using System.Runtime.InteropServices;

namespace Constellation.Cluster.Hosting;

/// <summary>The two POSIX calls the daemons need that .NET does not offer: SIGTERM to a child, and the parent's PID.</summary>
internal static class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to stop gracefully (SIGTERM); <see cref="System.Diagnostics.Process.Kill()"/> sends SIGKILL.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    /// <summary>The parent process ID of this process (1 or a subreaper once the parent died).</summary>
    public static int ParentProcessId() => GetParentProcessId();

    // Only ints cross: nothing to marshal.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getppid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetParentProcessId();
}
