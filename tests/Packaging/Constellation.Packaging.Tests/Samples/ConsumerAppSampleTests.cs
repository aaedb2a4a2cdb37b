namespace Constellation.Packaging.Tests.Samples;

[TestsSample("ConsumerApp")]
public class ConsumerAppSampleTests
{
    [Test]
    public async Task The_consumer_sample_restores_the_packages_from_the_local_feed_and_serves_and_calls_over_atls()
    {
        var (code, output) = await SampleBuilds.RunAsync("ConsumerApp");

        code.Should().Be(0, output);
        output.Should().Contain("response: hello from an attested server");
    }
}
