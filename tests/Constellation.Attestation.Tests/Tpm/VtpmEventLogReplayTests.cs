using Constellation.Attestation.Tests.Variants.Cloud;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// A document's event log is believed only after it replays to the PCR values of the verified quote: the platform state
/// the CVM check reads comes from that log, so a log of another boot must not get that far.
/// </summary>
[NonParallelizable]
public class VtpmEventLogReplayTests
{
    [Test]
    public async Task A_VM_that_booted_as_non_confidential_and_presents_the_log_of_a_confidential_boot_is_refused_by_the_replay()
    {
        // Both logs are honest (every digest is its data's hash); only the replay tells which one this TPM measured.
        await using var boot = await GceBootOnSwtpm.BootAsync(GceVector.NonConfidentialEventLog);

        var act = () => boot.ValidateAsync(GceVector.EventLog);

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("sha256 quote: event log replay of PCR 0 (sha256)");
    }
}
