using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Whole-document sweeps over self-made documents: a qemu-vtpm document issued on a real swtpm (fails loudly when
/// swtpm is missing) and a dummy document. The signed structures of the swtpm document are swept one by one in
/// <see cref="QemuVtpmRoundTripTests"/>; here every byte of the serialized JSON is flipped and every prefix parsed.
/// </summary>
[NonParallelizable]
public sealed class SelfMadeVtpmDocumentTamperTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("hardening-nonce-0123456789abcdef");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("hardening user data");

    private SwtpmProcess _swtpm = null!;
    private byte[] _document = null!;

    [OneTimeSetUp]
    public async Task IssueOnSwtpmAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(_swtpm);
        _document = await issuer.IssueAsync(UserData, Nonce);
    }

    [OneTimeTearDown]
    public async Task StopSwtpmAsync() => await _swtpm.DisposeAsync();

    [Test]
    public async Task Flipping_any_byte_of_a_swtpm_document_is_rejected_or_changes_nothing_the_validator_vouches_for()
    {
        var validator = QemuVtpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(_document));
        var baseline = await validator.ValidateAsync(_document, Nonce);
        var unverified = 0;

        // The SHA-1 quote is never used and only the strongest bank and SHA-256 are verified, so flips in the other
        // quotes are accepted. What an accepted document vouches for (user data, measurements) must then be unchanged.
        var outcome = await TamperSweep.FlipAsync<AttestationException>(_document, 0, _document.Length, async tampered =>
        {
            var result = await validator.ValidateAsync(tampered, Nonce);
            result.UserData.ToArray().Should().Equal(UserData);
            result.Measurements.Should().BeEquivalentTo(baseline.Measurements);
            Interlocked.Increment(ref unverified);
        });

        outcome.Untyped.Should().BeEmpty("every rejection must be a typed AttestationException");
        outcome.Accepted.Should().HaveCount(unverified, "an accepted flip must vouch for exactly the original content");
        var doc = VtpmDocument.Parse(_document);
        var unverifiedBanks = doc.Attestation.Quotes.Where(q => q.Bank is TpmAlgorithm.Sha1 or TpmAlgorithm.Sha384).ToList();
        var unverifiedBytes = unverifiedBanks.Sum(q => q.Quote.Length + q.RawSignature.Length + q.Pcrs.Sum(p => p.Value.Length));
        unverified.Should().BeLessThan(2 * unverifiedBytes, "only the unverified SHA-1/SHA-384 quotes (base64 in JSON) may absorb flips");
        TestContext.Out.WriteLine($"swtpm document ({_document.Length} bytes): {outcome.Tried - unverified} flips rejected ({string.Join(", ", outcome.ErrorTypes)}), {unverified} in the unverified SHA-1/SHA-384 quotes changed nothing vouched for");
    }

    [Test]
    public void Every_truncation_of_a_swtpm_document_is_a_format_error()
    {
        var outcome = TamperSweep.Truncate<AttestationFormatException>(_document, prefix => VtpmDocument.Parse(prefix));

        outcome.ShouldRejectEverything("swtpm qemu-vtpm document prefix");
    }

    [Test]
    public async Task Flipping_any_byte_of_a_dummy_document_is_rejected_with_a_typed_error_unless_it_only_changes_the_unprotected_user_data()
    {
        var document = await new DummyIssuer().IssueAsync(UserData, Nonce);
        var validator = new DummyValidator();

        // The dummy variant has no integrity by design (tests only): user data may change, the nonce binding may not.
        var outcome = await TamperSweep.FlipAsync<AttestationException>(document, 0, document.Length, async tampered =>
        {
            var result = await validator.ValidateAsync(tampered, Nonce);
            DummyDocument.Parse(tampered).Nonce.ToArray().Should().Equal(Nonce);
            _ = result;
        });

        outcome.Untyped.Should().BeEmpty();
        outcome.ErrorTypes.Keys.Should().Contain(nameof(AttestationBindingException));
    }

    [Test]
    public async Task Every_truncation_of_a_dummy_document_is_a_format_error()
    {
        var document = await new DummyIssuer().IssueAsync(UserData, Nonce);

        var outcome = TamperSweep.Truncate<AttestationFormatException>(document, prefix => DummyDocument.Parse(prefix));

        outcome.ShouldRejectEverything("dummy document prefix");
    }
}
