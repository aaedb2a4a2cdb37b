using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Constellation.Packaging.Tests;

/// <summary>
/// A package's readme shows its first real task (not only the dummy variant), with API names that exist in the package:
/// a rename of one of them fails here until the readme follows.
/// </summary>
public class PackageReadmeTests
{
    [TestCase("Constellation.Attestation", "Constellation.Attestation", new[]
    {
        "SnpReport.Parse", "SnpEvidenceCertificates", "SnpReportVerifier", "ThrowIfInvalid", "SnpReportValidator", "SnpValidationOptions",
        "SnpTcbParts", "TdxQuote.Parse", "TdxQuoteVerifier", "IntelPcsClient", "TdxCollateral.LoadDirectoryAsync", "TdxQuoteValidator",
        "TpmQuoteVerifier", "TpmQuoteValidator", "AddConstellationAttestation", "IAttestationValidator", "ValidateAsync",
    })]
    [TestCase("Constellation.Atls", "Constellation.Atls", new[]
    {
        "AddAtlsServer", "AddAtlsClient", "UseAtls", "AtlsHttpMessageHandler", "AtlsOptions", "AtlsClient", "AtlsServer", "AtlsGrpcChannel.Create",
    })]
    [TestCase("Constellation.Atls", "Constellation.Attestation", new[] { "QemuVtpmVariant.CreateDeviceIssuer", "AddConstellationAttestation", "IAttestationIssuer" })]
    public void The_package_readme_shows_a_real_task_with_names_the_package_has(string package, string definedIn, string[] names)
    {
        var readme = ReadEntry(package, "PACKAGE.md");
        var documented = ReadEntry(definedIn, $"lib/net10.0/{definedIn}.xml");

        foreach (var name in names)
        {
            readme.Should().Contain(name, $"the {package} readme shows {name}");
            documented.Should().MatchRegex($"name=\"[TMP]:[\\w.`]*\\b{Regex.Escape(name)}[\"(]", $"{name} exists in {definedIn}");
        }

        readme.Should().NotMatchRegex(@"```csharp\s*IAttestationIssuer issuer = new DummyIssuer", "the first example is a real task, not the dummy variant");
    }

    private static string ReadEntry(string package, string entry)
    {
        using var archive = ZipFile.OpenRead(LocalFeed.Package(package));
        using var reader = new StreamReader(archive.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}
