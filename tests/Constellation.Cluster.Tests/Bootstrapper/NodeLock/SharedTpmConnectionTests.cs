using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Tests.Swtpm;

namespace Constellation.Cluster.Tests.Bootstrapper.NodeLock;

/// <summary>
/// swtpm serves one connection at a time; components sharing a <see cref="SharedTpmConnection"/> never wait on each
/// other's connection (the qemu-vtpm cluster hung on exactly that before).
/// </summary>
public class SharedTpmConnectionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };

    [Test]
    public async Task An_issue_completes_while_another_component_holds_its_lease_open()
    {
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await using var shared = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        await using var holder = new TpmClient(await shared.OpenAsync());
        await holder.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [0])).AsTask().WaitAsync(Bound);

        using var issuer = QemuVtpmVariant.CreateIssuer(shared.OpenAsync, NoEventLog);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var document = await issuer.IssueAsync(new byte[32], nonce).AsTask().WaitAsync(Bound);

        var result = await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);
        result.Measurements.Should().ContainKey(15u);
    }

    [Test]
    public async Task Concurrent_issues_and_cluster_id_extends_over_one_connection_all_complete()
    {
        await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        await using var shared = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        using var issuer = QemuVtpmVariant.CreateIssuer(shared.OpenAsync, NoEventLog);
        var register = new TpmClusterIdRegister(shared.OpenAsync);
        var clusterId = RandomNumberGenerator.GetBytes(32);

        var issues = Enumerable.Range(0, 4).Select(_ => issuer.IssueAsync(new byte[32], RandomNumberGenerator.GetBytes(32)).AsTask()).ToArray();
        var extend = register.ExtendAsync(clusterId).AsTask();
        await Task.WhenAll([.. issues, extend]).WaitAsync(Bound);

        (await register.IsExtendedAsync().AsTask().WaitAsync(Bound)).Should().BeTrue();
        await using var tpm = new TpmClient(await shared.OpenAsync());
        var pcrs = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [15])).AsTask().WaitAsync(Bound);
        pcrs[15].Should().Equal(MeasurementSet.ExtendRegister(new byte[32], clusterId));
    }

    [Test]
    public async Task A_failed_exchange_closes_the_connection_and_the_next_command_reconnects()
    {
        var opened = new List<ScriptedTransport>();
        await using var shared = new SharedTpmConnection(_ =>
        {
            var transport = new ScriptedTransport(failFirst: opened.Count == 0);
            opened.Add(transport);
            return ValueTask.FromResult<ITpmTransport>(transport);
        });
        var lease = await shared.OpenAsync();

        var first = async () => await lease.ExecuteAsync(new byte[10], CancellationToken.None);
        await first.Should().ThrowAsync<TpmTransportException>();
        var second = await lease.ExecuteAsync(new byte[10], CancellationToken.None);

        second.Should().Equal(ScriptedTransport.Response);
        opened.Should().HaveCount(2);
        opened[0].Disposed.Should().BeTrue("a stream that failed mid-frame is out of step and must not be reused");
        opened[1].Disposed.Should().BeFalse();
    }

    [Test]
    public async Task A_disposed_connection_refuses_new_leases()
    {
        var shared = new SharedTpmConnection(_ => throw new InvalidOperationException("never connects"));
        await shared.DisposeAsync();

        var open = async () => await shared.OpenAsync();

        await open.Should().ThrowAsync<ObjectDisposedException>();
    }

    private sealed class ScriptedTransport(bool failFirst) : ITpmTransport
    {
        public static readonly byte[] Response = [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0];

        public bool Disposed { get; private set; }

        public ValueTask<byte[]> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
            failFirst
                ? throw new TpmTransportException("scripted: connection reset in the middle of a response")
                : ValueTask.FromResult(Response);

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
