namespace Constellation.Packaging.Tests.Samples;

[TestsSample("VtpmQuoteValidation")]
public class VtpmQuoteValidationSampleTests
{
    [Test]
    public async Task The_vtpm_sample_validates_the_real_gce_attestation_against_its_measurements()
    {
        var (code, output) = await SampleBuilds.RunAsync("VtpmQuoteValidation");

        code.Should().Be(0, output);
        output.Should().Contain("signature, digest and event-log replay verified")
            .And.Contain("policy (nonce, 6 measurements): satisfied")
            .And.Contain("verdict: valid");
    }

    [Test]
    public async Task The_vtpm_sample_lists_a_measurement_the_quote_does_not_have()
    {
        var app = await SampleBuilds.BuildAsync("VtpmQuoteValidation");
        var measurements = Path.Combine(SampleBuilds.Scratch("vtpm-measurements"), "measurements.json");
        var expected = await File.ReadAllTextAsync(Path.Combine(app, "measurements.json"));
        await File.WriteAllTextAsync(measurements, expected.Replace("\"d690bdac", "\"e690bdac", StringComparison.Ordinal));

        var (code, output) = await SampleBuilds.RunAsync("VtpmQuoteValidation", "--measurements", measurements);

        code.Should().Be(1, output);
        output.Should().Contain("sha256 PCR 4: expected e690bdac").And.Contain("got d690bdac").And.Contain("verdict: rejected");
    }
}
