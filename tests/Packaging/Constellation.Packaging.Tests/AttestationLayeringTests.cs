using System.Text.RegularExpressions;
using Constellation.Tests;

namespace Constellation.Packaging.Tests;

/// <summary>
/// The layering inside <c>Constellation.Attestation</c> (issue #18): shared code lives once, below the evidence families
/// (<c>Snp</c>, <c>Tdx</c>, <c>Tpm</c>), which never reach into each other; the variants above compose them.
/// </summary>
public class AttestationLayeringTests
{
    private static readonly string[] Families = ["Snp", "Tdx", "Tpm"];

    // The pieces the families share. Collateral/ is not among them: besides the shared cache-first fetch it holds
    // CollateralClients, the recipe that builds the families' KDS and PCS clients.
    private static readonly string[] SharedBelowFamilies = ["Binding", "Caching", "ConfigFsTsm", "IO", "Json", "Pki"];

    [TestCaseSource(nameof(SharedBelowFamilies))]
    public void A_shared_piece_names_no_family_and_no_variant(string folder)
    {
        var upward = References(folder, [.. Families, "Variants"]);

        upward.Should().BeEmpty($"{folder}/ lies below the families and the variants");
    }

    [Test]
    public void The_root_vocabulary_names_no_family_and_no_variant()
    {
        // The files in the project's root folder (namespace Constellation.Attestation: the errors, measurements,
        // AttestationVariant, the issuer and validator interfaces) are what every layer speaks.
        // Two files are the exception by design: AttestationVariant's well-known values (AttestationVariant.QemuVtpm, ...)
        // and CloudProviders read the variant definitions, so the registry stays the one list of variants.
        string[] readTheRegistry = ["AttestationVariant.cs", "CloudProviders.cs"];
        var upward = References(".", [.. Families, "Variants"], SearchOption.TopDirectoryOnly)
            .Where(reference => !readTheRegistry.Any(file => reference.StartsWith(file + ":", StringComparison.Ordinal)))
            .ToList();

        upward.Should().BeEmpty("the root namespace lies below the families and the variants");
    }

    [TestCaseSource(nameof(Families))]
    public void A_family_names_no_other_family(string family)
    {
        var sideways = References(family, Families.Where(f => f != family).ToArray());

        sideways.Should().BeEmpty($"{family}/ uses the shared pieces, never another family");
    }

    [Test]
    public void The_scan_sees_the_references_it_guards()
    {
        References("Variants", Families).Should().NotBeEmpty("the variants compose the families");
    }

    private static List<string> References(string folder, string[] targets, SearchOption search = SearchOption.AllDirectories)
    {
        var pattern = new Regex($@"\bConstellation\.Attestation\.({string.Join('|', targets)})\b", RegexOptions.CultureInvariant);
        var root = Path.Combine(TestData.Root, "src", "Constellation.Attestation", folder);
        Directory.Exists(root).Should().BeTrue($"src/Constellation.Attestation/{folder} exists");
        return Directory.EnumerateFiles(root, "*.cs", search)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, i)))
            .Where(x => pattern.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.path)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
    }
}
