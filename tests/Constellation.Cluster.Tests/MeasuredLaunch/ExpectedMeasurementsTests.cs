using Constellation.Cluster.MeasuredLaunch;
using Constellation.Tests.MeasuredLaunch;

namespace Constellation.Cluster.Tests.MeasuredLaunch;

/// <summary>The reference values a cluster publishes are what an independent reading of the event rules gives, and they say something.</summary>
public class ExpectedMeasurementsTests
{
    private static IReadOnlyList<MeasuredBootEvent> Events(string directory, string? commandLine = null, byte[]? configuration = null) =>
        NodeBootEvents.Create(new NodeBootInputs(BootImageManifest.FromDirectory(directory), commandLine ?? BootImageFixture.CommandLine, configuration ?? BootImageFixture.Configuration));

    [Test]
    public void The_expected_measurements_equal_an_independent_recomputation_from_the_files()
    {
        using var image = new BootImageFixture();

        var expected = ExpectedMeasurements.Compute(Events(image.Directory));

        var recomputed = IndependentRecomputation.Pcrs(image.Directory, BootImageFixture.CommandLine, BootImageFixture.Configuration);
        expected.Keys.Should().Equal(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 11u, 12u, 13u, 14u, 15u);
        foreach (var (index, measurement) in expected)
        {
            measurement.Expected.ToArray().Should().Equal(recomputed[index], $"PCR {index}");
            measurement.WarnOnly.Should().BeFalse($"PCR {index} is enforced");
        }
    }

    [Test]
    public void The_expected_measurements_are_not_all_zero_and_only_the_unused_registers_and_the_cluster_id_are_zero()
    {
        using var image = new BootImageFixture();

        var expected = ExpectedMeasurements.Compute(Events(image.Directory));

        expected.Where(kv => kv.Value.Expected.All(b => b == 0)).Select(kv => kv.Key).Should().Equal(8u, 11u, 12u, 13u, 14u, 15u);
    }

    [Test]
    public void One_changed_byte_in_any_bootstrapper_file_changes_pcr_4_and_nothing_else()
    {
        using var image = new BootImageFixture();
        var before = ExpectedMeasurements.Compute(Events(image.Directory));
        File.WriteAllText(Path.Combine(image.Directory, "de", "Resources.dll"), "resourcez");

        var after = ExpectedMeasurements.Compute(Events(image.Directory));

        Changed(before, after).Should().Equal(4u);
    }

    [Test]
    public void An_added_or_renamed_file_changes_pcr_4()
    {
        using var image = new BootImageFixture();
        var before = ExpectedMeasurements.Compute(Events(image.Directory));
        File.Move(Path.Combine(image.Directory, "de", "Resources.dll"), Path.Combine(image.Directory, "de", "Resources2.dll"));
        var renamed = ExpectedMeasurements.Compute(Events(image.Directory));
        File.WriteAllText(Path.Combine(image.Directory, "extra.dll"), string.Empty);
        var added = ExpectedMeasurements.Compute(Events(image.Directory));

        Changed(before, renamed).Should().Equal(4u);
        Changed(renamed, added).Should().Equal(4u);
    }

    [Test]
    public void The_command_line_and_the_configuration_are_measured_into_pcr_9()
    {
        using var image = new BootImageFixture();
        var before = ExpectedMeasurements.Compute(Events(image.Directory));

        var otherCommandLine = ExpectedMeasurements.Compute(Events(image.Directory, BootImageFixture.CommandLine + " --log-level Debug"));
        var otherConfiguration = ExpectedMeasurements.Compute(Events(image.Directory, configuration: [.. BootImageFixture.Configuration, (byte)' ']));

        Changed(before, otherCommandLine).Should().Equal(9u);
        Changed(before, otherConfiguration).Should().Equal(9u);
    }

    [Test]
    public void A_symbolic_link_in_the_bootstrapper_directory_is_refused()
    {
        using var image = new BootImageFixture();
        File.CreateSymbolicLink(Path.Combine(image.Directory, "link.dll"), Path.Combine(image.Directory, "constellation-bootstrapper.dll"));

        var build = () => BootImageManifest.FromDirectory(image.Directory);

        build.Should().Throw<IOException>().WithMessage("*link.dll*symbolic link*");
    }

    [Test]
    public void An_empty_or_missing_bootstrapper_directory_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory("measured-launch-empty-").FullName;
        try
        {
            FluentActions.Invoking(() => BootImageManifest.FromDirectory(empty)).Should().Throw<IOException>().WithMessage("*no file*");
            FluentActions.Invoking(() => BootImageManifest.FromDirectory(Path.Combine(empty, "missing"))).Should().Throw<DirectoryNotFoundException>();
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static IEnumerable<uint> Changed(Constellation.Attestation.MeasurementSet a, Constellation.Attestation.MeasurementSet b) =>
        a.Keys.Where(k => !a[k].Expected.SequenceEqual(b[k].Expected));
}
