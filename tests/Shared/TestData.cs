namespace Constellation.Tests;

/// <summary>
/// Locates the real evidence in this repository's <c>testdata/</c> (see its <c>MANIFEST.md</c>) and the repository's
/// other files. Tests read only inside the repository: nothing beside the checkout is ever consulted.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);

    /// <summary>Absolute path of a real test vector under <c>testdata/</c>, e.g. <c>snp/ark-milan.pem</c>.</summary>
    public static string Evidence(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(EvidenceRoot, relative));
        if (!IsInside(path, EvidenceRoot))
        {
            throw new ArgumentException($"test vector path leaves testdata/: {relative}", nameof(relative));
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"test vector not found: {path}", path);
        }

        return path;
    }

    /// <summary>Reads a real test vector under <c>testdata/</c>.</summary>
    public static byte[] EvidenceBytes(string relative) => File.ReadAllBytes(Evidence(relative));

    /// <summary>The repository's <c>testdata/</c> directory.</summary>
    public static string EvidenceRoot => Path.Combine(RepositoryRoot.Value, "testdata");

    /// <summary>
    /// Absolute path of a file in this checkout, e.g. <c>samples/ConsumerApp</c>. Found from the test binaries, because
    /// CI builds map source paths away (so <c>[CallerFilePath]</c> does not point into the checkout there).
    /// </summary>
    public static string Repository(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot.Value, relative));
        if (!IsInside(path, RepositoryRoot.Value))
        {
            throw new ArgumentException($"path leaves the repository: {relative}", nameof(relative));
        }

        return path;
    }

    /// <summary>The checkout's root (the directory holding <c>Constellation.sln</c>).</summary>
    public static string Root => RepositoryRoot.Value;

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Constellation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Constellation.sln not found above " + AppContext.BaseDirectory);
    }
}
