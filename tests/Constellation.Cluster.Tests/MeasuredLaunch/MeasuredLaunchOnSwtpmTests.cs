using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.MeasuredLaunch;
using Constellation.Tests.MeasuredLaunch;
using Constellation.Tests.Swtpm;

namespace Constellation.Cluster.Tests.MeasuredLaunch;

/// <summary>
/// The launch on a real swtpm: every allocated bank ends where the log's replay and the independent recomputation say,
/// the node's attestation (quote plus the launch's event log) validates against the expected measurements, and a node
/// launched from other files is refused naming PCR 4.
/// </summary>
public class MeasuredLaunchOnSwtpmTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static IReadOnlyList<MeasuredBootEvent> Events(string directory) =>
        NodeBootEvents.Create(new NodeBootInputs(BootImageManifest.FromDirectory(directory), BootImageFixture.CommandLine, BootImageFixture.Configuration));

    [Test]
    public async Task Every_allocated_bank_holds_the_replay_of_the_log_and_sha256_the_independent_recomputation()
    {
        using var image = new BootImageFixture();
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await using var transport = await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port);

        var log = await MeasuredBootLauncher.LaunchAsync(transport, Events(image.Directory)).WaitAsync(Bound);

        await using var tpm = new TpmClient(transport, ownsTransport: false);
        var banks = await tpm.GetPcrBanksAsync();
        var parsed = TcgEventLog.Parse(log);
        parsed.DigestSizes.Keys.Should().BeEquivalentTo(banks.Select(b => b.Hash));
        banks.Select(b => b.Hash).Should().Contain(TpmAlgorithm.Sha256);
        var recomputed = IndependentRecomputation.Pcrs(image.Directory, BootImageFixture.CommandLine, BootImageFixture.Configuration);
        var sha256 = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, Enumerable.Range(0, 16)));
        for (var pcr = 0; pcr < 16; pcr++)
        {
            sha256[pcr].Should().Equal(recomputed[pcr], $"PCR {pcr} (SHA-256)");
        }
    }

    [Test]
    public async Task The_nodes_attestation_with_the_launch_log_validates_against_the_expected_measurements()
    {
        using var image = new BootImageFixture();
        var events = Events(image.Directory);
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        var log = await LaunchAsync(swtpm, events);
        var (document, nonce) = await AttestAsync(swtpm, log);

        var result = await QemuVtpmVariant.CreateValidator(ExpectedMeasurements.Compute(events)).ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);

        result.Measurements[4].Should().Equal(ExpectedMeasurements.Compute(events)[4].Expected);
    }

    [Test]
    public async Task A_node_launched_from_modified_files_is_refused_naming_pcr_4()
    {
        using var image = new BootImageFixture();
        var expected = ExpectedMeasurements.Compute(Events(image.Directory));
        File.AppendAllText(Path.Combine(image.Directory, "constellation-bootstrapper.dll"), "!");
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        var log = await LaunchAsync(swtpm, Events(image.Directory));
        var (document, nonce) = await AttestAsync(swtpm, log);

        var validate = () => QemuVtpmVariant.CreateValidator(expected).ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);

        var refusal = (await validate.Should().ThrowAsync<AttestationException>()).Which;
        refusal.ToString().Should().Contain("at index 4").And.NotContain("at index 9");
    }

    [Test]
    public async Task A_log_whose_digest_was_changed_no_longer_replays_to_the_quote()
    {
        using var image = new BootImageFixture();
        var events = Events(image.Directory);
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await LaunchAsync(swtpm, events);
        var last = events[^1];
        List<TpmAlgorithm> banks;
        await using (var transport = await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port))
        await using (var client = new TpmClient(transport, ownsTransport: false))
        {
            banks = (await client.GetPcrBanksAsync()).Select(b => b.Hash).ToList();
        }

        // The same records, but the last one claims the digest of other bytes than were extended.
        var log = BootEventLogWriter.Write([.. events.SkipLast(1), new MeasuredBootEvent(last.Pcr, last.EventType, last.EventData, "something else"u8.ToArray())], banks);
        var (document, nonce) = await AttestAsync(swtpm, log);

        var validate = () => QemuVtpmVariant.CreateValidator(ExpectedMeasurements.Compute(events)).ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);

        (await validate.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("PCR 5");
    }

    [Test]
    public async Task A_tpm_that_was_not_reset_is_refused()
    {
        using var image = new BootImageFixture();
        var events = Events(image.Directory);
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await LaunchAsync(swtpm, events);

        var again = () => LaunchAsync(swtpm, events);

        (await again.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("expected zero after a TPM reset");
    }

    /// <summary>The node's attestation as its issuer sends it: a quote of every bank and the launch's event log.</summary>
    private static async Task<(byte[] Document, byte[] Nonce)> AttestAsync(SwtpmProcess swtpm, byte[] log)
    {
        await using var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        using var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(log) });
        var nonce = RandomNumberGenerator.GetBytes(32);
        return (await issuer.IssueAsync(new byte[32], nonce).AsTask().WaitAsync(Bound), nonce);
    }

    private static async Task<byte[]> LaunchAsync(SwtpmProcess swtpm, IReadOnlyList<MeasuredBootEvent> events)
    {
        await using var transport = await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port);
        return await MeasuredBootLauncher.LaunchAsync(transport, events).WaitAsync(Bound);
    }
}
