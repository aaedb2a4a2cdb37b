using Constellation.Fuzz;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// Runs every fuzz target once over its seed corpus in-process (no afl++): real evidence, samples and every checked-in
/// regression input. A target swallows only our typed exceptions, so any other exception fails the test.
/// </summary>
public class SeedCorpusTests
{
    private static readonly Lazy<IReadOnlyList<Seed>> Seeds = new(() => SeedCorpus.Build(TestData.Evidence("."), TestData.Repository(".")));

    private static IEnumerable<string> TargetNames() => FuzzTargets.All.Select(t => t.Name);

    [TestCaseSource(nameof(TargetNames))]
    public void Every_seed_of_the_target_is_parsed_or_rejected_with_a_typed_error(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var seeds = Seeds.Value.Where(s => s.Target == name).ToList();

        seeds.Should().NotBeEmpty("every target needs a seed corpus");
        foreach (var seed in seeds)
        {
            var act = () => target.Run(seed.Data);
            act.Should().NotThrow($"seed {name}/{seed.Name} must not raise an untyped exception");
        }
    }

    [Test]
    public void Every_regression_directory_belongs_to_a_target()
    {
        var directories = Directory.GetDirectories(TestData.Repository(Path.Combine("tests", "Fuzz", "regressions"))).Select(Path.GetFileName);

        directories.Should().BeSubsetOf(TargetNames());
    }

    [Test]
    public void The_self_test_target_reports_an_untyped_exception_as_a_crash()
    {
        var act = () => FuzzTargets.SelfTest.Run("a CRASH input"u8.ToArray());

        act.Should().Throw<InvalidOperationException>();
    }
}
