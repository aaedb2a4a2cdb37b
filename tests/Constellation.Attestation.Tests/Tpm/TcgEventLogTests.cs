using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tests.Tpm;

public class TcgEventLogTests
{
    [Test]
    public void The_real_GCE_log_records_sha1_sha256_and_sha384()
    {
        var log = TcgEventLog.Parse(GceVector.EventLog);

        log.DigestSizes.Should().BeEquivalentTo(new Dictionary<TpmAlgorithm, int> { [TpmAlgorithm.Sha1] = 20, [TpmAlgorithm.Sha256] = 32, [TpmAlgorithm.Sha384] = 48 });
        log.Events.Should().NotBeEmpty();
    }

    [TestCase("sha1")]
    [TestCase("sha256")]
    [TestCase("sha384")]
    public void Replaying_the_real_log_gives_the_quoted_PCR_values(string bank)
    {
        var log = TcgEventLog.Parse(GceVector.EventLog);

        var act = () => log.VerifyAgainst(GceVector.BankOf(bank), GceVector.Pcrs(bank));

        act.Should().NotThrow();
        log.Replay(GceVector.BankOf(bank))[0].Should().Equal(GceVector.Pcrs(bank)[0]);
    }

    [Test]
    public void A_log_whose_event_was_altered_does_not_replay_to_the_quoted_values()
    {
        var bytes = GceVector.EventLog;
        var log = TcgEventLog.Parse(bytes);
        var pcrs = GceVector.Pcrs("sha256");
        pcrs[4][0] ^= 0xff;

        var act = () => log.VerifyAgainst(TpmAlgorithm.Sha256, pcrs);

        act.Should().Throw<AttestationBindingException>().WithMessage("*PCR 4 (sha256)*");
    }

    [Test]
    public void A_log_without_the_quoted_bank_cannot_be_replayed()
    {
        var log = TcgEventLog.Parse(GceVector.EventLog);

        var act = () => log.Replay(TpmAlgorithm.Sha512);

        act.Should().Throw<AttestationFormatException>().WithMessage("*sha512*");
    }

    [Test]
    public void Truncated_logs_are_rejected()
    {
        var bytes = GceVector.EventLog;
        foreach (var length in new[] { 0, 10, 40, 100, bytes.Length - 1 })
        {
            var act = () => TcgEventLog.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>($"the log was cut to {length} bytes");
        }
    }

    [Test]
    public void The_GCE_platform_state_is_firmware_version_1_on_AMD_SEV()
    {
        var state = GcePlatformState.FromEventLog(TcgEventLog.Parse(GceVector.EventLog));

        state.GceVersion.Should().Be(1);
        state.Technology.Should().Be(GceConfidentialTechnology.AmdSev);
        state.ScrtmVersion.Should().Be("GCE Virtual Firmware v1");
    }
}
