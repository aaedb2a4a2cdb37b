using Constellation.Attestation.Config;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// afl++ found that YamlDotNet throws <see cref="ArgumentException"/> ("The current event is of an unsupported type")
/// for an empty key followed by an indented mapping, and <see cref="InvalidOperationException"/> from its scanner for
/// another malformed document; both YAML entry points must turn those into format errors.
/// </summary>
public class MeasurementYamlFuzzRegressionTests
{
    [TestCase("afl-empty-key-indented-mapping.yaml")]
    [TestCase("empty-key-indented-mapping.yaml")]
    public void A_mapping_under_an_empty_key_is_a_measurements_format_error(string input)
    {
        var act = () => MeasurementYaml.Parse(FuzzRegression.Text("measurements-yaml", input));

        act.Should().Throw<AttestationFormatException>().WithMessage("measurements YAML: *")
            .WithInnerException<ArgumentException>();
    }

    [Test]
    public void A_document_that_trips_the_yaml_scanner_is_a_measurements_format_error()
    {
        var act = () => MeasurementYaml.Parse(FuzzRegression.Text("measurements-yaml", "afl-scanner-invalid-operation.yaml"));

        act.Should().Throw<AttestationFormatException>().WithMessage("measurements YAML: *")
            .WithInnerException<InvalidOperationException>();
    }

    [Test]
    public void A_document_that_trips_the_yaml_scanner_is_a_config_format_error()
    {
        var act = () => AttestationConfigYaml.ParseSection(FuzzRegression.Text("measurements-yaml", "afl-scanner-invalid-operation.yaml"));

        act.Should().Throw<AttestationFormatException>().WithMessage("*not valid YAML*");
    }

    [Test]
    public void A_mapping_under_an_empty_key_is_a_config_format_error()
    {
        var act = () => AttestationConfigYaml.ParseSection(FuzzRegression.Text("measurements-yaml", "empty-key-indented-mapping.yaml"));

        act.Should().Throw<AttestationFormatException>().WithMessage("*not valid YAML*");
    }
}
