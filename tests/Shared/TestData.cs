namespace Constellation.Tests;

/// <summary>Locates the real evidence in <c>../shared/testdata</c> (beside the checkout) and this repository's own test files.</summary>
internal static class TestData
{
    private static readonly Lazy<string> SharedRoot = new(FindSharedTestData);

    /// <summary>Absolute path of a file under <c>shared/testdata</c>, e.g. <c>snp/ark-milan.pem</c>.</summary>
    public static string Shared(string relative)
    {
        var path = Path.Combine(SharedRoot.Value, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"shared test vector not found: {path}", path);
        }

        return path;
    }

    /// <summary>Reads a file under <c>shared/testdata</c>.</summary>
    public static byte[] SharedBytes(string relative) => File.ReadAllBytes(Shared(relative));

    /// <summary>
    /// Absolute path of a file in this checkout, e.g. <c>samples/ConsumerApp</c>. Found from the test binaries, because
    /// CI builds map source paths away (so <c>[CallerFilePath]</c> does not point into the checkout there).
    /// </summary>
    public static string Repository(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Constellation.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new DirectoryNotFoundException("Constellation.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindSharedTestData()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CONSTELLATION_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "testdata"), Path.Combine(dir.FullName, "..", "shared", "testdata") })
            {
                if (File.Exists(Path.Combine(candidate, "MANIFEST.md")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException(
            "shared/testdata not found beside the checkout; set CONSTELLATION_TESTDATA to its path");
    }
}
