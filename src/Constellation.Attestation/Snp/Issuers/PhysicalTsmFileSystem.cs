using System.IO;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>The real file system (for <c>/sys/kernel/config/tsm/report</c>).</summary>
public sealed class PhysicalTsmFileSystem : ITsmFileSystem
{
    /// <summary>Gets the shared instance (stateless, thread-safe).</summary>
    public static PhysicalTsmFileSystem Instance { get; } = new();

    /// <inheritdoc />
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc />
    public void RemoveDirectory(string path) => Directory.Delete(path, recursive: false);

    /// <inheritdoc />
    public bool DirectoryExists(string path) => Directory.Exists(path);

    /// <inheritdoc />
    public bool FileExists(string path) => File.Exists(path);

    /// <inheritdoc />
    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    /// <inheritdoc />
    public void WriteAllBytes(string path, byte[] data) => File.WriteAllBytes(path, data);
}
