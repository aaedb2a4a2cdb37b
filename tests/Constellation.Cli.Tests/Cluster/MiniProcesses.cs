using System.Globalization;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>What the local-cluster tests look at outside the CLI: whether a process still runs, a node image copied to change it.</summary>
internal static class MiniProcesses
{
    /// <summary>Whether the process exists and is neither a zombie nor dead (its state in <c>/proc/PID/stat</c>).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
