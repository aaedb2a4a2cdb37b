using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.ConfigFsTsm;

/// <summary>
/// The few file operations the configfs-tsm interface needs, so the report client can be tested against a fake
/// tree. configfs semantics: creating a directory creates its attribute files; removing it is a plain rmdir.
/// </summary>
public interface ITsmFileSystem
{
    /// <summary>Creates a directory (a report entry).</summary>
    /// <param name="path">The directory.</param>
    void CreateDirectory(string path);

    /// <summary>Removes an (attribute-only) directory.</summary>
    /// <param name="path">The directory.</param>
    void RemoveDirectory(string path);

    /// <summary>Tells whether a directory exists.</summary>
    /// <param name="path">The directory.</param>
    /// <returns><see langword="true"/> if it exists.</returns>
    bool DirectoryExists(string path);

    /// <summary>Tells whether a file exists.</summary>
    /// <param name="path">The file.</param>
    /// <returns><see langword="true"/> if it exists.</returns>
    bool FileExists(string path);

    /// <summary>Reads a whole attribute (reading <c>outblob</c> is what waits for the TEE).</summary>
    /// <param name="path">The attribute file.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Its bytes.</returns>
    ValueTask<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes an attribute in one write call.</summary>
    /// <param name="path">The attribute file.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the attribute is written.</returns>
    ValueTask WriteAllBytesAsync(string path, byte[] data, CancellationToken cancellationToken);
}
