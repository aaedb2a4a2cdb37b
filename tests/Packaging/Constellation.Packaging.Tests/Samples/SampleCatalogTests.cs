using System.Reflection;
using Constellation.Tests;

namespace Constellation.Packaging.Tests.Samples;

/// <summary>Every sample is built and run by a test, so a sample that stops working fails the test run.</summary>
public class SampleCatalogTests
{
    [Test]
    public void Every_sample_has_a_fixture_that_builds_and_runs_it()
    {
        var samples = Directory.EnumerateDirectories(TestData.Repository("samples"))
            .Where(d => Directory.EnumerateFiles(d, "*.csproj").Any())
            .Select(Path.GetFileName)
            .ToList();
        var tested = typeof(SampleCatalogTests).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<TestsSampleAttribute>()?.Name)
            .Where(n => n is not null)
            .ToList();

        samples.Should().Contain(["ConsumerApp", "SnpReportVerification", "TdxQuoteVerification", "VtpmQuoteValidation", "AtlsHttpClientFactory", "PolicyFileReload"]);
        tested.Should().BeEquivalentTo(samples, "each sample under samples/ is run by exactly one fixture");
    }

    [Test]
    public void Every_sample_project_is_named_after_its_folder()
    {
        foreach (var directory in Directory.EnumerateDirectories(TestData.Repository("samples")))
        {
            var projects = Directory.EnumerateFiles(directory, "*.csproj").Select(Path.GetFileNameWithoutExtension).ToList();
            if (projects.Count > 0)
            {
                projects.Should().Equal([Path.GetFileName(directory)], "the tests run bin/Release/net10.0/<folder>.dll");
            }
        }
    }
}
