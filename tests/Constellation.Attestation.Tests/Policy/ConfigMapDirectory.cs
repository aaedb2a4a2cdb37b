using System.Globalization;
using System.Runtime.InteropServices;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>
/// Reproduces how the kubelet updates a ConfigMap volume: each version is a new directory <c>..&lt;timestamp&gt;</c>,
/// <c>..data</c> is a symlink to the current one, replaced atomically by renaming a fresh symlink over it, and the
/// visible file <c>&lt;dir&gt;/attestationConfig</c> is a symlink to <c>..data/attestationConfig</c>.
/// </summary>
internal sealed class ConfigMapDirectory : IDisposable
{
    public const string Key = "attestationConfig";
    private int _version;
    private string? _currentVersionDir;

    public ConfigMapDirectory(string initialContent)
    {
        Root = Directory.CreateTempSubdirectory("configmap-").FullName;
        var first = WriteVersion(initialContent);
        File.CreateSymbolicLink(Path.Combine(Root, "..data"), Path.GetFileName(first));
        File.CreateSymbolicLink(FilePath, Path.Combine("..data", Key));
        _currentVersionDir = first;
    }

    public string Root { get; }

    public string FilePath => Path.Combine(Root, Key);

    /// <summary>Publishes a new version with the kubelet's atomic symlink swap and removes the old version.</summary>
    public void Swap(string content)
    {
        var next = WriteVersion(content);
        var temp = Path.Combine(Root, "..data_tmp");
        File.CreateSymbolicLink(temp, Path.GetFileName(next));
        if (Rename(temp, Path.Combine(Root, "..data")) != 0)
        {
            throw new IOException($"rename(2) failed with errno {Marshal.GetLastPInvokeError()}");
        }

        Directory.Delete(_currentVersionDir!, recursive: true);
        _currentVersionDir = next;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string WriteVersion(string content)
    {
        var dir = Path.Combine(Root, $"..2024_01_01_00_00_{(_version++).ToString("D4", CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, Key), content);
        return dir;
    }

    // rename(2) replaces the ..data symlink itself atomically; File.Move would follow it to the directory.
#pragma warning disable SYSLIB1054, CA2101 // LibraryImport would need unsafe code in the shared test project; the strings are marshalled as UTF-8 explicitly.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
#pragma warning restore SYSLIB1054, CA2101
}
