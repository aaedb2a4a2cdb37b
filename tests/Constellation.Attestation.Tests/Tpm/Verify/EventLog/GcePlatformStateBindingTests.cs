using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tests.Tpm.Verify.EventLog;

/// <summary>
/// The GCE platform state reads event data; only the digests are bound to a quote (through the replay). Every datum
/// read must hash to the record's digest in every bank, and only the firmware's PCR 0 events (before the separator)
/// count — the rules of go-tpm-tools' <c>getPlatformState</c> and <c>checkIfValidSeparator</c>.
/// </summary>
public class GcePlatformStateBindingTests
{
    [TestCase(GceVector.ScrtmSequence)]
    [TestCase(GceVector.NonHostInfoSequence)]
    public void Every_single_byte_flip_of_the_data_read_is_rejected_as_unbound(int sequence)
    {
        var length = EventLogEditor.Open(GceVector.EventLog).DataOf(sequence).Length;
        var accepted = new List<int>();
        var wrongError = new List<string>();
        for (var i = 0; i < length; i++)
        {
            var tampered = EventLogEditor.Open(GceVector.EventLog).FlipData(sequence, i).ToArray();
            try
            {
                Derive(tampered);
                accepted.Add(i);
            }
            catch (TcgEventDigestException ex) when (ex.Sequence == sequence)
            {
            }
            catch (Exception ex)
            {
                wrongError.Add($"byte {i}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        accepted.Should().BeEmpty("a flipped data byte no longer hashes to the measured digest");
        wrongError.Should().BeEmpty();
    }

    [Test]
    public void The_error_names_the_event_the_PCR_the_bank_and_both_digests()
    {
        var tampered = EventLogEditor.Open(GceVector.NonConfidentialEventLog)
            .FlipData(GceVector.NonHostInfoSequence, GceVector.TechnologyOffset, (byte)GceConfidentialTechnology.AmdSev);
        var measured = TcgEventLog.Parse(GceVector.NonConfidentialEventLog).Events[GceVector.NonHostInfoSequence - 1];
        var presented = tampered.DataOf(GceVector.NonHostInfoSequence);

        var act = () => Derive(tampered.ToArray());

        var thrown = act.Should().Throw<TcgEventDigestException>().Which;
        thrown.Sequence.Should().Be(GceVector.NonHostInfoSequence);
        thrown.PcrIndex.Should().Be(0);
        thrown.EventType.Should().Be(TcgEvent.NonHostInfo);
        thrown.ExpectedDigest.Should().Be(Convert.ToHexStringLower(measured.Digests[thrown.Bank].AsSpan()));
        thrown.ActualDigest.Should().Be(Convert.ToHexStringLower(TpmHash.Compute(thrown.Bank, presented)));
        thrown.Message.Should().Contain("event 2 (PCR 0, EV_NONHOST_INFO)").And.Contain(TpmHash.ToDisplayName(thrown.Bank))
            .And.Contain(thrown.ExpectedDigest).And.Contain(thrown.ActualDigest);
    }

    [TestCase(TpmAlgorithm.Sha1)]
    [TestCase(TpmAlgorithm.Sha256)]
    [TestCase(TpmAlgorithm.Sha384)]
    public void Data_that_disagrees_with_the_digest_of_any_one_bank_is_rejected(TpmAlgorithm bank)
    {
        // Whichever bank a quote verified, the data must be what that bank measured; the others must agree too.
        var tampered = EventLogEditor.Open(GceVector.EventLog)
            .SetDigest(GceVector.NonHostInfoSequence, bank, TpmHash.Compute(bank, GceVector.NonHostInfoData(GceConfidentialTechnology.None)))
            .ToArray();

        var act = () => Derive(tampered);

        act.Should().Throw<TcgEventDigestException>().Which.Bank.Should().Be(bank);
    }

    [Test]
    public void A_PCR_0_separator_whose_data_was_changed_is_rejected()
    {
        var tampered = EventLogEditor.Open(GceVector.EventLog).FlipData(GceVector.Pcr0SeparatorSequence, 0).ToArray();

        var act = () => Derive(tampered);

        act.Should().Throw<TcgEventDigestException>().Which.Sequence.Should().Be(GceVector.Pcr0SeparatorSequence);
    }

    [Test]
    public void A_PCR_0_separator_with_data_other_than_zeros_or_ones_is_rejected_even_when_hashed()
    {
        var tampered = EventLogEditor.Open(GceVector.EventLog).SetData(GceVector.Pcr0SeparatorSequence, [0, 0, 0, 1]).Rehash(GceVector.Pcr0SeparatorSequence).ToArray();

        var act = () => Derive(tampered);

        act.Should().Throw<AttestationFormatException>().WithMessage("*event 13*PCR 0*separator*00000000 or ffffffff*00000001*");
    }

    [Test]
    public void A_PCR_0_separator_of_ones_ends_the_firmware_events_like_one_of_zeros()
    {
        var log = EventLogEditor.Open(GceVector.EventLog).SetData(GceVector.Pcr0SeparatorSequence, [0xff, 0xff, 0xff, 0xff]).Rehash(GceVector.Pcr0SeparatorSequence)
            .Append(0, TcgEvent.NonHostInfo, GceVector.NonHostInfoData(GceConfidentialTechnology.None)).ToArray();

        var state = Derive(log);

        state.Technology.Should().Be(GceConfidentialTechnology.AmdSev, "the NonHostInfo after the separator is not read");
    }

    [Test]
    public void A_retyped_PCR_0_separator_is_rejected()
    {
        var tampered = EventLogEditor.Open(GceVector.EventLog).SetType(GceVector.Pcr0SeparatorSequence, 0x00000001).ToArray();

        var act = () => Derive(tampered);

        act.Should().Throw<AttestationFormatException>().WithMessage("*event 13*PCR 0*separator*type 0x00000001*");
    }

    [Test]
    public void PCR_0_events_after_the_separator_are_not_read()
    {
        // Only firmware writes PCR 0 before the separator; a guest can extend PCR 0 afterwards with honest digests.
        var log = EventLogEditor.Open(GceVector.EventLog).Remove(GceVector.NonHostInfoSequence)
            .Append(0, TcgEvent.NonHostInfo, GceVector.NonHostInfoData(GceConfidentialTechnology.AmdSev))
            .Append(0, TcgEvent.SCrtmVersion, GceVector.ScrtmData("GCE Virtual Firmware v9"))
            .ToArray();

        var state = Derive(log);

        state.Technology.Should().Be(GceConfidentialTechnology.None);
        state.GceVersion.Should().Be(1);
    }

    [Test]
    public void An_S_CRTM_version_that_was_relabelled_as_NonHostInfo_is_not_a_technology()
    {
        // The type is not covered by the digest; a relabelled record is still bound data, but not NonHostInfo data.
        var log = EventLogEditor.Open(GceVector.EventLog).Remove(GceVector.NonHostInfoSequence).SetType(GceVector.ScrtmSequence, TcgEvent.NonHostInfo).ToArray();

        var state = Derive(log);

        state.Technology.Should().Be(GceConfidentialTechnology.None);
        state.GceVersion.Should().BeNull();
    }

    private static GcePlatformState Derive(byte[] log) => GcePlatformState.FromEventLog(TcgEventLog.Parse(log));
}
