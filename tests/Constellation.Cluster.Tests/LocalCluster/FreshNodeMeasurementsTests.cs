using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.LocalCluster;
using Constellation.Tests.Swtpm;

namespace Constellation.Cluster.Tests.LocalCluster;

/// <summary>
/// The local cluster's reference values come from a node that has not been bootstrapped: PCR 0-15 with the cluster-ID
/// register all-zero, so that the join policy refuses nodes that already belong to a cluster.
/// </summary>
public class FreshNodeMeasurementsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };

    [Test]
    public async Task A_fresh_qemu_vtpm_node_gives_pcr_0_to_15_all_enforced_with_the_cluster_id_register_zero()
    {
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await using var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        using var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);

        var measurements = await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);

        measurements.Keys.Should().Equal(Enumerable.Range(0, 16).Select(i => (uint)i));
        measurements[15].Expected.Should().OnlyContain(b => b == 0);
        measurements.Values.Should().OnlyContain(m => !m.WarnOnly);
    }

    [Test]
    public async Task A_node_that_was_already_bootstrapped_is_refused_as_the_reference()
    {
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await using var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        using var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
        await new TpmClusterIdRegister(tpm.OpenAsync).ExtendAsync(Enumerable.Repeat((byte)0xC1, 32).ToArray()).AsTask().WaitAsync(Bound);

        var measure = () => FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);

        (await measure.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("PCR 15").And.Contain("expected all-zero");
    }

    [Test]
    public async Task A_dummy_node_measures_nothing()
    {
        (await FreshNodeMeasurements.MeasureAsync(new DummyIssuer())).Should().BeEmpty();
    }

    [Test]
    public async Task A_variant_the_local_cluster_cannot_run_is_refused_by_name()
    {
        var measure = () => FreshNodeMeasurements.MeasureAsync(new OtherVariantIssuer());

        (await measure.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("azure-sev-snp");
    }

    private sealed class OtherVariantIssuer : IAttestationIssuer
    {
        public AttestationVariant Variant => AttestationVariant.AzureSevSnp;

        public ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not asked to issue");
    }
}
