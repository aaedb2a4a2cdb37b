using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tests.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// gcp-sev-es end to end: the CVM check reads event data (S-CRTM version, GCE NonHostInfo), and the quote covers only
/// the digests. A guest that edits the data and keeps the digests must be refused; the real GCE log must still pass.
/// </summary>
[NonParallelizable]
public class GcpSevEsEventLogBindingTests
{
    [Test]
    public async Task The_real_GCE_log_passes_the_gcp_sev_es_validator()
    {
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.EventLog);

        var result = await boot.ValidateAsync(GceVector.EventLog);

        result.Variant.Should().Be(AttestationVariant.GcpSevEs);
    }

    [Test]
    public async Task An_S_CRTM_version_raised_in_the_data_with_the_digests_unchanged_is_rejected()
    {
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.EventLog);
        // "GCE Virtual Firmware v1" → "v3": the UTF-16 digit is at byte 44 of the event data.
        var presented = EventLogEditor.Open(GceVector.EventLog).FlipData(GceVector.ScrtmSequence, 44, 0x02).ToArray();

        var act = () => boot.ValidateAsync(presented);

        var thrown = await act.Should().ThrowAsync<TcgEventDigestException>();
        thrown.Which.Sequence.Should().Be(GceVector.ScrtmSequence);
        thrown.Which.PcrIndex.Should().Be(0);
    }

    [Test]
    public async Task A_NonHostInfo_byte_changed_in_the_data_with_the_digests_unchanged_is_rejected()
    {
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.EventLog);
        // A reserved byte after the technology: the derived state would not change, but the data is no longer what was measured.
        var presented = EventLogEditor.Open(GceVector.EventLog).FlipData(GceVector.NonHostInfoSequence, GceVector.TechnologyOffset + 4).ToArray();

        var act = () => boot.ValidateAsync(presented);

        (await act.Should().ThrowAsync<TcgEventDigestException>()).Which.Sequence.Should().Be(GceVector.NonHostInfoSequence);
    }

    [Test]
    public async Task A_non_confidential_VM_whose_NonHostInfo_data_claims_AMD_SEV_with_the_digests_unchanged_is_rejected()
    {
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.NonConfidentialEventLog);
        var presented = EventLogEditor.Open(GceVector.NonConfidentialEventLog)
            .FlipData(GceVector.NonHostInfoSequence, GceVector.TechnologyOffset, (byte)GceConfidentialTechnology.AmdSev).ToArray();

        var act = () => boot.ValidateAsync(presented);

        var thrown = await act.Should().ThrowAsync<TcgEventDigestException>();
        thrown.Which.Sequence.Should().Be(GceVector.NonHostInfoSequence);
        thrown.Which.Message.Should().Contain("EV_NONHOST_INFO").And.Contain("PCR 0");
    }

    [Test]
    public async Task The_honest_log_of_a_non_confidential_VM_fails_the_CVM_check()
    {
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.NonConfidentialEventLog);

        var act = () => boot.ValidateAsync(GceVector.NonConfidentialEventLog);

        var thrown = await act.Should().ThrowAsync<AttestationPolicyException>();
        thrown.Which.Violations.Should().ContainSingle().Which.Should().Be(PolicyViolation.Create("platform.technology", "AMD_SEV", "None"));
    }

    [Test]
    public async Task A_NonHostInfo_claiming_AMD_SEV_that_the_guest_extended_after_the_PCR_0_separator_is_not_read()
    {
        // Firmware that writes no NonHostInfo; after boot the guest extends PCR 0 with one claiming AMD SEV. Its digests
        // are honest and replay, but nothing after the separator comes from the firmware.
        var measured = WithoutFirmwareNonHostInfo().Append(0, TcgEvent.NonHostInfo, GceVector.NonHostInfoData(GceConfidentialTechnology.AmdSev)).ToArray();
        await using var boot = await GceBootOnSwtpm.BootAsync(measured);

        var act = () => boot.ValidateAsync(measured);

        var thrown = await act.Should().ThrowAsync<AttestationPolicyException>();
        thrown.Which.Violations.Should().ContainSingle().Which.Field.Should().Be("platform.technology");
    }

    [Test]
    public async Task Hiding_the_PCR_0_separator_by_retyping_it_is_rejected()
    {
        var measured = WithoutFirmwareNonHostInfo().Append(0, TcgEvent.NonHostInfo, GceVector.NonHostInfoData(GceConfidentialTechnology.AmdSev)).ToArray();
        await using var boot = await GceBootOnSwtpm.BootAsync(measured);
        // The type is not covered by the digest: relabelled, the separator would no longer end the firmware's PCR 0 events.
        var presented = EventLogEditor.Open(measured).SetType(GceVector.Pcr0SeparatorSequence - 1, 0x00000001).ToArray();

        var act = () => boot.ValidateAsync(presented);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*event 12*PCR 0*separator*");
    }

    private static EventLogEditor WithoutFirmwareNonHostInfo() => EventLogEditor.Open(GceVector.EventLog).Remove(GceVector.NonHostInfoSequence);
}
