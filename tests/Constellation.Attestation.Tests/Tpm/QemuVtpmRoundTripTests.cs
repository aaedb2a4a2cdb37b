using System.Text;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>Issue on a real swtpm, validate with our validator.</summary>
[NonParallelizable]
public class QemuVtpmRoundTripTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("VerifyService");

    private SwtpmProcess _swtpm = null!;
    private byte[] _document = null!;

    [OneTimeSetUp]
    public async Task StartSwtpmAndIssueAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(_swtpm);
        _document = await issuer.IssueAsync(UserData, Nonce);
    }

    [OneTimeTearDown]
    public async Task StopSwtpmAsync() => await _swtpm.DisposeAsync();

    [Test]
    public async Task A_document_issued_on_swtpm_validates_and_returns_the_user_data()
    {
        var validator = QemuVtpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(_document));

        var result = await validator.ValidateAsync(_document, Nonce);

        result.UserData.ToArray().Should().Equal(UserData);
        result.Warnings.Should().BeEmpty();
        result.Measurements.Keys.Should().Equal(Enumerable.Range(0, 24).Select(i => (uint)i));
        var quoted = VtpmDocument.Parse(_document).Attestation.Quotes.Single(q => q.Bank == TpmAlgorithm.Sha256).Pcrs;
        result.Measurements.Values.Select(v => v.ToArray()).Should().BeEquivalentTo(quoted.Values.Select(v => v.ToArray()), o => o.WithStrictOrdering());
    }

    [Test]
    public void The_document_quotes_every_allocated_bank_with_PCRs_0_to_23()
    {
        var doc = VtpmDocument.Parse(_document);

        doc.Attestation.Quotes.Select(q => q.Bank).Should().BeEquivalentTo([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512]);
        doc.Attestation.Quotes.Should().OnlyContain(q => q.Pcrs.Count == 24);
        doc.InstanceInfo.IsEmpty.Should().BeTrue();
        Encoding.UTF8.GetString(_document).Should().Contain("\"InstanceInfo\":null");
    }

    [Test]
    public async Task A_wrong_nonce_is_rejected_as_a_binding_error()
    {
        var validator = QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed);

        var act = async () => await validator.ValidateAsync(_document, Encoding.ASCII.GetBytes("another nonce"));

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Contain("extraData");
    }

    [Test]
    public async Task A_SHA256_quote_bound_to_another_nonce_is_rejected_even_when_the_strongest_bank_is_bound_to_this_one()
    {
        // Same AK, same PCRs, another exchange: its SHA-256 quote verifies with the trusted AK but is a replay here.
        var replayed = SwtpmVtpm.QuoteOf(await IssueWithOtherNonceAsync(), TpmAlgorithm.Sha256);
        var document = SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha256, _ => replayed);

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, Nonce);

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("sha256 quote: quote extraData (nonce)");
    }

    [Test]
    public async Task A_strongest_bank_quote_bound_to_another_nonce_gives_way_to_the_next_bank_that_is_bound()
    {
        var replayed = SwtpmVtpm.QuoteOf(await IssueWithOtherNonceAsync(), TpmAlgorithm.Sha512);
        var document = SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha512, _ => replayed);

        var result = await QemuVtpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(_document)).ValidateAsync(document, Nonce);

        result.UserData.ToArray().Should().Equal(UserData);
    }

    [Test]
    public async Task Changed_user_data_is_rejected_as_a_binding_error()
    {
        var doc = VtpmDocument.Parse(_document);
        var forged = new VtpmDocument(doc.Attestation, doc.InstanceInfo.Span, Encoding.ASCII.GetBytes("attacker key")).ToJson();

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(forged, Nonce);

        await act.Should().ThrowAsync<AttestationBindingException>();
    }

    [Test]
    public async Task Warnings_that_variant_hooks_record_reach_the_validation_result_before_the_measurement_warnings()
    {
        var trusted = TpmPublic.Parse(VtpmDocument.Parse(_document).Attestation.AkPublic.Span).ToSubjectPublicKeyInfo();
        var validator = new VtpmValidator(AttestationVariant.QemuVtpm, new WarningHooks(trusted), SwtpmVtpm.MeasurementsOf(_document, warnOnly: true));

        var result = await validator.ValidateAsync(_document, Nonce);

        result.Warnings.Should().Equal("collateral accepted in its grace period", "instance checked with reservations");
    }

    private sealed class WarningHooks(byte[] trustedSpki) : IVtpmVariantHooks
    {
        public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
        {
            context.AddWarning("collateral accepted in its grace period");
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(trustedSpki);
        }

        public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
        {
            context.AddWarning("instance checked with reservations");
            return ValueTask.CompletedTask;
        }
    }

    [Test]
    public async Task A_document_from_another_AK_is_rejected_as_untrusted()
    {
        await using var other = await SwtpmProcess.StartAsync();
        using var otherIssuer = SwtpmVtpm.QemuIssuer(other);
        var foreign = await otherIssuer.IssueAsync(UserData, Nonce);
        var trusted = TpmPublic.Parse(VtpmDocument.Parse(_document).Attestation.AkPublic.Span).ToSubjectPublicKeyInfo();
        var validator = new VtpmValidator(AttestationVariant.QemuVtpm, new FixedKeyHooks(trusted), MeasurementSet.EmptyAllowed);

        (await validator.ValidateAsync(_document, Nonce)).UserData.ToArray().Should().Equal(UserData);
        var act = async () => await validator.ValidateAsync(foreign, Nonce);

        await act.Should().ThrowAsync<AttestationTrustException>().WithMessage("key not trusted*");
    }

    [Test]
    public async Task Quotes_signed_by_another_AK_are_rejected_even_with_the_trusted_ak_pub()
    {
        await using var other = await SwtpmProcess.StartAsync();
        using var otherIssuer = SwtpmVtpm.QemuIssuer(other);
        var foreign = await otherIssuer.IssueAsync(UserData, Nonce);
        var forged = SwtpmVtpm.WithAkPublic(foreign, VtpmDocument.Parse(_document).Attestation.AkPublic.ToArray());

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(forged, Nonce);

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task Flipping_each_byte_of_the_signed_sha256_attest_structure_is_rejected_as_a_bad_signature()
    {
        var validator = QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed);
        var quote = VtpmDocument.Parse(_document).Attestation.Quotes.First(q => q.Bank == TpmAlgorithm.Sha256);
        var attest = quote.Quote.ToArray();
        for (var i = 0; i < attest.Length; i++)
        {
            var tampered = (byte[])attest.Clone();
            tampered[i] ^= 0x01;
            var document = SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha256, q => new TpmQuote(tampered, q.RawSignature.Span, q.Bank, q.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, kv.Value.ToArray()))));
            var act = async () => await validator.ValidateAsync(document, Nonce);
            await act.Should().ThrowAsync<AttestationSignatureException>($"byte {i} of the SHA-256 TPMS_ATTEST was flipped");
        }
    }

    [Test]
    public async Task Flipping_each_byte_of_every_banks_attest_structure_is_rejected_when_it_is_the_only_quote()
    {
        var validator = QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed);
        var sha256Only = SwtpmVtpm.WithQuotes(_document, quotes => quotes.Where(q => q.Bank == TpmAlgorithm.Sha256));
        (await validator.ValidateAsync(sha256Only, Nonce)).UserData.ToArray().Should().Equal(UserData);
        var signature = VtpmDocument.Parse(sha256Only).Attestation.Quotes[0].RawSignature.ToArray();
        for (var i = 0; i < signature.Length; i++)
        {
            var tampered = (byte[])signature.Clone();
            tampered[i] ^= 0x80;
            var document = SwtpmVtpm.WithQuote(sha256Only, TpmAlgorithm.Sha256, q => new TpmQuote(q.Quote.Span, tampered, q.Bank, q.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, kv.Value.ToArray()))));
            var act = async () => await validator.ValidateAsync(document, Nonce);
            await act.Should().ThrowAsync<AttestationException>($"byte {i} of the TPMT_SIGNATURE was flipped");
        }
    }

    [Test]
    public async Task A_PCR_value_that_does_not_match_the_quoted_digest_is_rejected()
    {
        var document = SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha256, q => new TpmQuote(q.Quote.Span, q.RawSignature.Span, q.Bank,
            q.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, kv.Key == 4 ? new byte[32] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } : kv.Value.ToArray()))));

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationBindingException>().WithMessage("*sha256 PCR values*");
    }

    [Test]
    public async Task A_validator_that_just_accepted_a_document_still_rejects_each_changed_PCR_value()
    {
        // The validator remembers the digest of the last PCR values it saw; a changed value must never reuse it.
        var validator = QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed);
        (await validator.ValidateAsync(_document, Nonce)).UserData.ToArray().Should().Equal(UserData);
        for (var index = 0; index < 24; index++)
        {
            var changed = index;
            var document = SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha256, q => new TpmQuote(q.Quote.Span, q.RawSignature.Span, q.Bank,
                q.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, kv.Key == changed ? Flip(kv.Value.ToArray(), changed) : kv.Value.ToArray()))));

            var act = async () => await validator.ValidateAsync(document, Nonce);

            await act.Should().ThrowAsync<AttestationBindingException>($"PCR {changed} was changed").WithMessage("*sha256 PCR values*");
            (await validator.ValidateAsync(_document, Nonce)).UserData.ToArray().Should().Equal(UserData, "the original document still validates");
        }

        static byte[] Flip(byte[] value, int bit)
        {
            value[bit % value.Length] ^= (byte)(1 << (bit % 8));
            return value;
        }
    }

    [TestCase("ak_pub")]
    [TestCase("quote")]
    [TestCase("raw_sig")]
    public async Task Truncated_structures_are_rejected_with_a_typed_error(string structure)
    {
        var validator = QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed);
        var doc = VtpmDocument.Parse(_document);
        var sha256 = doc.Attestation.Quotes.First(q => q.Bank == TpmAlgorithm.Sha256);
        var length = structure switch { "ak_pub" => doc.Attestation.AkPublic.Length, "quote" => sha256.Quote.Length, _ => sha256.RawSignature.Length };
        foreach (var cut in new[] { 0, 1, length / 2, length - 1 })
        {
            var document = structure == "ak_pub"
                ? SwtpmVtpm.WithAkPublic(_document, doc.Attestation.AkPublic[..cut].ToArray())
                : SwtpmVtpm.WithQuote(_document, TpmAlgorithm.Sha256, q => new TpmQuote(
                    structure == "quote" ? q.Quote[..cut].Span : q.Quote.Span,
                    structure == "raw_sig" ? q.RawSignature[..cut].Span : q.RawSignature.Span,
                    q.Bank,
                    q.Pcrs.Select(kv => new KeyValuePair<int, byte[]>(kv.Key, kv.Value.ToArray()))));
            var act = async () => await validator.ValidateAsync(document, Nonce);
            var thrown = await act.Should().ThrowAsync<AttestationException>($"{structure} cut to {cut} bytes");
            thrown.Which.Should().Match<AttestationException>(e => e is AttestationFormatException || e is AttestationSignatureException);
        }
    }

    [Test]
    public async Task A_document_with_only_a_sha1_bank_is_rejected()
    {
        var document = SwtpmVtpm.WithQuotes(_document, quotes => quotes.Where(q => q.Bank == TpmAlgorithm.Sha1));

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*SHA256*SHA-1 is not accepted*");
    }

    [Test]
    public async Task A_document_without_quotes_is_rejected()
    {
        var document = SwtpmVtpm.WithQuotes(_document, _ => []);

        var act = async () => await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("attestation is missing quotes");
    }

    private async Task<byte[]> IssueWithOtherNonceAsync()
    {
        using var issuer = SwtpmVtpm.QemuIssuer(_swtpm);
        return await issuer.IssueAsync(UserData, Encoding.ASCII.GetBytes("the nonce of another exchange 00"));
    }
}
