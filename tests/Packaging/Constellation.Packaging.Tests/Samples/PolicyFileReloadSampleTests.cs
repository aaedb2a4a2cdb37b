namespace Constellation.Packaging.Tests.Samples;

[TestsSample("PolicyFileReload")]
public class PolicyFileReloadSampleTests
{
    [Test]
    public async Task The_policy_sample_applies_an_update_of_its_policy_file_and_keeps_it_when_a_bad_update_follows()
    {
        var (code, output) = await SampleBuilds.RunAsync("PolicyFileReload");

        code.Should().Be(0, output);
        output.Should().Contain("policy generation 1 from").And.Contain("PCR 4 = d690bdac")
            .And.Contain("reload: applied, policy generation 2, qemu-vtpm, 7 measurements, PCR 4 = a1b2c3d4")
            .And.Contain("reload: refused, policy generation 2 stays in effect").And.Contain("expected at least one measurement")
            .And.Contain("verdict: the update was applied and the bad update refused");
    }
}
