using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// afl++ found vTPM documents with invalid UTF-8 in a Base64 field, a member name and a quote member that escaped as
/// <see cref="InvalidOperationException"/> instead of the documented format error.
/// </summary>
public class VtpmDocumentFuzzRegressionTests
{
    [TestCase("invalid-utf8-in-base64-field.json")]
    [TestCase("invalid-utf8-in-member-name.json")]
    [TestCase("invalid-utf8-in-quote.json")]
    public void A_vtpm_document_with_invalid_utf8_is_a_format_error(string input)
    {
        var act = () => VtpmDocument.Parse(FuzzRegression.Input("vtpm-json", input));

        act.Should().Throw<AttestationFormatException>().WithMessage("unmarshaling TPM attestation document: document: not valid UTF-8*");
    }
}
