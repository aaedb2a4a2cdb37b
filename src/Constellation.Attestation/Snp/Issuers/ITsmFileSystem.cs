namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// The few file operations the configfs-tsm interface needs, so the report source can be tested against a fake
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

    /// <summary>Reads a whole attribute.</summary>
    /// <param name="path">The attribute file.</param>
    /// <returns>Its bytes.</returns>
    byte[] ReadAllBytes(string path);

    /// <summary>Writes an attribute in one write call.</summary>
    /// <param name="path">The attribute file.</param>
    /// <param name="data">The bytes.</param>
    void WriteAllBytes(string path, byte[] data);
}
