using Constellation.Tests;

namespace Constellation.Packaging.Tests.Samples;

/// <summary>
/// The samples carry copies of real vectors so that each runs from its own folder; every copy must be byte for byte a
/// file of <c>testdata/</c>, whose manifest states its provenance and verdict.
/// </summary>
public class SampleEvidenceTests
{
    [Test]
    public void Every_evidence_file_of_a_sample_is_an_unchanged_copy_of_a_test_vector()
    {
        var vectors = Directory.EnumerateFiles(TestData.EvidenceRoot, "*", SearchOption.AllDirectories)
            .ToLookup(Path.GetFileName, StringComparer.Ordinal);
        var copies = Directory.EnumerateDirectories(TestData.Repository("samples"), "evidence", SearchOption.AllDirectories)
            .Where(d => !d.Contains("/bin/", StringComparison.Ordinal) && !d.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .ToList();

        copies.Should().HaveCountGreaterThan(10, "the SNP, TDX and vTPM samples carry their evidence");
        foreach (var copy in copies)
        {
            var bytes = File.ReadAllBytes(copy);
            vectors[Path.GetFileName(copy)].Any(original => File.ReadAllBytes(original).AsSpan().SequenceEqual(bytes))
                .Should().BeTrue($"{Path.GetRelativePath(TestData.Root, copy)} is a copy of the test vector of that name");
        }
    }
}
