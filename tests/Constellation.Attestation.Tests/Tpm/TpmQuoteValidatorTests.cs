using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The policy layer of a verified quote: the nonce binding and the measurements, every violation listed. The real GCE
/// quotes carry no qualifying data; a swtpm quote carries a 32-byte nonce.
/// </summary>
[NonParallelizable]
public class TpmQuoteValidatorTests
{
    private static readonly byte[] SwtpmNonce = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly TpmQuoteVerifier Verifier = new();

    private SwtpmProcess _swtpm = null!;
    private TpmQuoteVerificationResult _swtpmQuote = null!;

    private static TpmQuoteVerificationResult GceSha256 => Verifier.Verify(GceVector.Quote("sha256"), TpmPublic.Parse(GceVector.AkPublic));

    [OneTimeSetUp]
    public async Task QuoteOnSwtpmAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        await using var tpm = new TpmClient(await SwtpmSocketTransport.ConnectAsync(_swtpm.Host, _swtpm.Port));
        var ak = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate());
        var (attest, signature) = await tpm.QuoteAsync(ak.Handle, SwtpmNonce, [TpmPcrSelection.All(TpmAlgorithm.Sha256)]);
        var pcrs = await tpm.PcrReadAsync(TpmPcrSelection.All(TpmAlgorithm.Sha256));
        _swtpmQuote = Verifier.Verify(new TpmQuote(attest, signature, TpmAlgorithm.Sha256, pcrs), ak.Public);
    }

    [OneTimeTearDown]
    public async Task StopSwtpmAsync() => await _swtpm.DisposeAsync();

    [Test]
    public void A_non_empty_expected_nonce_is_rejected()
    {
        var act = () => TpmQuoteValidator.Validate(GceSha256, new TpmValidationOptions(new byte[32])).ThrowIfInvalid();

        act.Should().Throw<AttestationBindingException>().Which.Field.Should().Contain("extraData");
    }

    [Test]
    public void A_signed_quote_without_its_pcr_values_is_checked_for_the_nonce_alone_with_the_same_rule()
    {
        // The CLI's evidence verify tpm-quote has the attest and signature files but no PCR values.
        var attest = _swtpmQuote.Attest;

        TpmQuoteValidator.ValidateNonce(attest, new TpmValidationOptions(SwtpmNonce)).Should().BeNull();
        var wrong = TpmQuoteValidator.ValidateNonce(attest, new TpmValidationOptions(SwtpmNonce.AsSpan(0, 31)));
        wrong.Should().Be(TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(SwtpmNonce.AsSpan(0, 31))).Violations.Single());
        wrong!.Field.Should().Be("quote extraData (nonce)");
    }

    [Test]
    public void A_quote_that_carries_the_nonce_and_the_measured_values_complies()
    {
        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(SwtpmNonce) { Measurements = Expected(_swtpmQuote) });

        result.IsValid.Should().BeTrue();
        result.Violations.Should().BeEmpty();
        result.Warnings.Should().BeEmpty();
        result.Measurements!.Mismatches.Should().BeEmpty();
        result.ThrowIfInvalid().Should().BeSameAs(result);
    }

    [TestCase("last byte flipped")]
    [TestCase("one byte short")]
    [TestCase("one byte longer")]
    [TestCase("empty")]
    public void A_nonce_that_differs_from_the_quoted_one_in_any_way_is_a_binding_violation_naming_both(string change)
    {
        byte[] expected = change switch
        {
            "last byte flipped" => [.. SwtpmNonce[..^1], (byte)(SwtpmNonce[^1] ^ 1)],
            "one byte short" => SwtpmNonce[..^1],
            "one byte longer" => [.. SwtpmNonce, 0],
            _ => [],
        };

        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(expected));

        result.IsValid.Should().BeFalse();
        result.Violations.Should().Equal(new PolicyViolation("quote extraData (nonce)", Convert.ToHexStringLower(expected), Convert.ToHexStringLower(SwtpmNonce)));
        var act = () => result.ThrowIfInvalid();
        act.Should().Throw<AttestationBindingException>().Which.Actual.Should().Be(Convert.ToHexStringLower(SwtpmNonce));
    }

    [Test]
    public void Every_violation_is_listed_the_nonce_first_then_each_enforced_PCR_in_index_order()
    {
        var expected = Expected(_swtpmQuote)
            .With(16, new Measurement(Filled(0xbb), warnOnly: false))
            .With(3, new Measurement(Filled(0xaa), warnOnly: false))
            .With(30, new Measurement(new byte[32], warnOnly: false));

        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(new byte[32]) { Measurements = expected });

        result.Violations.Select(v => v.Field).Should().Equal("quote extraData (nonce)", "sha256 PCR 3", "sha256 PCR 16", "sha256 PCR 30");
        result.Violations[1].Expected.Should().Be(new string('a', 64));
        result.Violations[1].Actual.Should().Be(Convert.ToHexStringLower(_swtpmQuote.PcrValues[3].AsSpan()));
        result.Violations[3].Actual.Should().Be("no value in the quote");
        var act = () => result.ThrowIfInvalid();
        act.Should().Throw<AttestationBindingException>("a quote that is not bound to this exchange is refused for that first");
    }

    [Test]
    public void Measurement_mismatches_of_a_bound_quote_throw_the_measurement_error_listing_every_mismatch()
    {
        var expected = Expected(_swtpmQuote)
            .With(4, new Measurement(Filled(0xcc), warnOnly: false))
            .With(9, new Measurement(Filled(0xdd), warnOnly: true));

        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(SwtpmNonce) { Measurements = expected });

        result.Violations.Select(v => v.Field).Should().Equal("sha256 PCR 4");
        var act = () => result.ThrowIfInvalid();
        act.Should().Throw<MeasurementMismatchException>().Which.Mismatches.Select(m => m.Index).Should().Equal(4u, 9u);
    }

    [Test]
    public void Warn_only_mismatches_are_warnings_and_not_violations()
    {
        var expected = Expected(_swtpmQuote).With(9, new Measurement(Filled(0xdd), warnOnly: true));

        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(SwtpmNonce) { Measurements = expected });

        result.IsValid.Should().BeTrue();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("index 9").And.Contain("warn-only");
    }

    [Test]
    public void An_empty_measurement_set_is_refused_unless_it_is_allowed_by_name()
    {
        var act = () => new TpmValidationOptions(SwtpmNonce) { Measurements = MeasurementSet.Empty };

        act.Should().Throw<EmptyMeasurementsException>().WithMessage("*MeasurementSet.EmptyAllowed*");
    }

    [Test]
    public void Measurements_allowed_empty_by_name_compare_nothing_and_say_so()
    {
        var result = TpmQuoteValidator.Validate(_swtpmQuote, new TpmValidationOptions(SwtpmNonce) { Measurements = MeasurementSet.EmptyAllowed });

        result.IsValid.Should().BeTrue();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("no measurement was compared");
    }

    [Test]
    public void The_options_keep_their_own_copy_of_the_nonce()
    {
        var nonce = (byte[])SwtpmNonce.Clone();
        var options = new TpmValidationOptions(nonce);
        nonce[0] ^= 1;

        TpmQuoteValidator.Validate(_swtpmQuote, options).IsValid.Should().BeTrue();
    }

    // A value no PCR of a fresh TPM holds (those are all zeros or all ones).
    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();

    private static MeasurementSet Expected(TpmQuoteVerificationResult quote) =>
        new(quote.PcrValues.Select(kv => new KeyValuePair<uint, Measurement>((uint)kv.Key, new Measurement(kv.Value.AsSpan(), warnOnly: false))));
}
