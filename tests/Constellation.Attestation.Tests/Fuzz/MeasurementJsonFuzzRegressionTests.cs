namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// afl++ found that invalid UTF-8 inside a JSON string or member name passed System.Text.Json's structural check and
/// surfaced later as <see cref="InvalidOperationException"/> when the value was read.
/// </summary>
public class MeasurementJsonFuzzRegressionTests
{
    [TestCase("invalid-utf8-in-value.json")]
    [TestCase("invalid-utf8-in-key.json")]
    public void Measurements_json_with_invalid_utf8_is_a_format_error(string input)
    {
        var act = () => MeasurementJson.Parse(FuzzRegression.Input("measurements-json", input));

        act.Should().Throw<AttestationFormatException>().WithMessage("measurements JSON: not valid UTF-8*");
    }
}
