using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.NodeLock;

namespace Constellation.Cluster.Tests.Bootstrapper.NodeLock;

public class NodeLockTests
{
    [Test]
    public async Task Exactly_one_of_many_concurrent_lockers_wins_in_every_trial()
    {
        const int trials = 300;
        const int contenders = 8;
        for (var trial = 0; trial < trials; trial++)
        {
            var register = new InMemoryClusterIdRegister();
            var nodeLock = new Cluster.Bootstrapper.NodeLock.NodeLock(register);
            var ids = Enumerable.Range(0, contenders).Select(i => Enumerable.Repeat((byte)(i + 1), 32).ToArray()).ToArray();
            using var start = new ManualResetEventSlim();
            var attempts = ids.Select(id => Task.Run(async () =>
            {
                start.Wait();
                return (Won: await nodeLock.TryLockAsync(id), Id: id);
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(attempts);

            var winners = results.Where(r => r.Won).ToArray();
            winners.Should().ContainSingle($"trial {trial}");
            register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], winners[0].Id), "the register is extended exactly once, by the winner");
            nodeLock.IsLocked.Should().BeTrue();
        }
    }

    [Test]
    public async Task The_lock_can_never_be_taken_again()
    {
        var nodeLock = new Cluster.Bootstrapper.NodeLock.NodeLock(new InMemoryClusterIdRegister());
        (await nodeLock.TryLockAsync(new byte[32])).Should().BeTrue();

        for (var i = 0; i < 10; i++)
        {
            (await nodeLock.TryLockAsync(Enumerable.Repeat((byte)i, 32).ToArray())).Should().BeFalse();
        }
    }

    [Test]
    public async Task A_failed_extend_still_leaves_the_node_locked()
    {
        var nodeLock = new Cluster.Bootstrapper.NodeLock.NodeLock(new FailingRegister());

        var first = async () => await nodeLock.TryLockAsync(new byte[32]);

        await first.Should().ThrowAsync<InvalidOperationException>().WithMessage("*TPM gone*");
        nodeLock.IsLocked.Should().BeTrue();
        (await nodeLock.TryLockAsync(new byte[32])).Should().BeFalse();
    }

    [Test]
    public async Task A_register_already_extended_at_boot_locks_the_node()
    {
        var register = new InMemoryClusterIdRegister();
        await register.ExtendAsync(new byte[32]);
        var nodeLock = new Cluster.Bootstrapper.NodeLock.NodeLock(register);

        (await nodeLock.LockIfAlreadyBootstrappedAsync()).Should().BeTrue();
        (await nodeLock.TryLockAsync(new byte[32])).Should().BeFalse();
    }

    [Test]
    public async Task A_fresh_register_does_not_lock_the_node_at_boot()
    {
        var nodeLock = new Cluster.Bootstrapper.NodeLock.NodeLock(new InMemoryClusterIdRegister());

        (await nodeLock.LockIfAlreadyBootstrappedAsync()).Should().BeFalse();
        nodeLock.IsLocked.Should().BeFalse();
    }

    [Test]
    public async Task The_in_memory_register_applies_the_pcr_event_formula()
    {
        var register = new InMemoryClusterIdRegister();
        var clusterId = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        await register.ExtendAsync(clusterId);

        var expected = System.Security.Cryptography.SHA256.HashData([.. new byte[32], .. System.Security.Cryptography.SHA256.HashData(clusterId)]);
        register.Value.Should().Equal(expected);
    }

    private sealed class FailingRegister : IClusterIdRegister
    {
        public uint Index => 15;

        public ValueTask<bool> IsExtendedAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

        public ValueTask ExtendAsync(ReadOnlyMemory<byte> clusterId, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("TPM gone");
    }
}
