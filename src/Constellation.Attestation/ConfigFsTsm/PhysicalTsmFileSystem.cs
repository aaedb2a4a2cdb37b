using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.ConfigFsTsm;

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
    public async ValueTask<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken) =>
        await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask WriteAllBytesAsync(string path, byte[] data, CancellationToken cancellationToken) =>
        await File.WriteAllBytesAsync(path, data, cancellationToken).ConfigureAwait(false);
}
