using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Cluster.Store;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// The join policy on the store: every replica's validator switches on the store's watch event after a publish (the
/// replicas here do not poll, so nothing else could switch them; how fast is a benchmark's question, not a test's —
/// the wait below is only a bound), a bad value keeps the last good policy on every replica, and a replica does not
/// start without a policy.
/// </summary>
public abstract class JoinPolicyOnStoreTests : StoreFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_bad_value_keeps_the_last_good_policy_on_every_replica()
    {
        var (first, second, watching) = await StartTwoReplicasAsync(0x41);
        try
        {
            var reloaded = Task.WhenAll(NextReloadAsync(first), NextReloadAsync(second));
            await new StoreJoinPolicy(Store, AttestationVariant.QemuVtpm, AttestationValidatorFactory.CreateDefault().Registry).PublishRawAsync("{\"measurements\":\"garbage\"}"u8.ToArray(), CancellationToken.None);

            var results = await reloaded.WaitAsync(Bound);
            results.Should().OnlyContain(r => r.Outcome == PolicyReloadOutcome.Failed);
            first.Current.Config.Measurements[4].Expected.Should().AllBeEquivalentTo((byte)0x41);
            second.Current.Config.Measurements[4].Expected.Should().AllBeEquivalentTo((byte)0x41);
        }
        finally
        {
            await StopAsync(first, second, watching);
        }
    }

    [Test]
    public async Task A_published_policy_reaches_every_replica_through_the_watch_without_polling()
    {
        var (first, second, watching) = await StartTwoReplicasAsync(0x42);
        try
        {
            var reloaded = Task.WhenAll(NextReloadAsync(first), NextReloadAsync(second));
            await Publisher(OtherReplica).PublishAsync(Config(0x43));

            var results = await reloaded.WaitAsync(Bound);
            results.Should().OnlyContain(r => r.Outcome == PolicyReloadOutcome.Applied);
            first.Current.Config.Measurements[4].Expected.Should().AllBeEquivalentTo((byte)0x43);
            second.Current.Config.Measurements[4].Expected.Should().AllBeEquivalentTo((byte)0x43);
        }
        finally
        {
            await StopAsync(first, second, watching);
        }
    }

    private static MeasurementsAttestationConfig Config(byte fill) =>
        new(AttestationVariant.QemuVtpm, new MeasurementSet([KeyValuePair.Create(4u, new Measurement(Enumerable.Repeat(fill, 32).ToArray()))]));

    private static StoreJoinPolicy Publisher(IClusterStore store) => new(store, AttestationVariant.QemuVtpm, AttestationValidatorFactory.CreateDefault().Registry);

    private static Task<PolicyReloadResult> NextReloadAsync(UpdateableAttestationValidator validator)
    {
        var next = new TaskCompletionSource<PolicyReloadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        validator.ReloadCompleted += (_, result) => next.TrySetResult(result);
        return next.Task;
    }

    private static async Task StopAsync(UpdateableAttestationValidator first, UpdateableAttestationValidator second, CancellationTokenSource watching)
    {
        await watching.CancelAsync();
        await first.DisposeAsync();
        await second.DisposeAsync();
        watching.Dispose();
    }

    private async Task<(UpdateableAttestationValidator, UpdateableAttestationValidator, CancellationTokenSource)> StartTwoReplicasAsync(byte fill)
    {
        await Publisher(Store).PublishAsync(Config(fill));
        var watching = new CancellationTokenSource();
        var replicas = new List<UpdateableAttestationValidator>();
        foreach (var store in new[] { Store, OtherReplica })
        {
            var factory = AttestationValidatorFactory.CreateDefault();
            var policy = new StoreJoinPolicy(store, AttestationVariant.QemuVtpm, factory.Registry);
            var validator = await UpdateableAttestationValidator.CreateAsync(policy, factory, new UpdateableValidatorOptions { PollInterval = null }, NullLogger.Instance);
            await policy.WatchAsync(validator, watching.Token);
            replicas.Add(validator);
        }

        return (replicas[0], replicas[1], watching);
    }
}

/// <summary>The join policy on a real etcd member.</summary>
public sealed class JoinPolicyOnEtcdTests : JoinPolicyOnStoreTests
{
    protected override bool OnEtcd => true;
}

/// <summary>The join policy in memory.</summary>
public sealed class JoinPolicyInMemoryTests : JoinPolicyOnStoreTests
{
    protected override bool OnEtcd => false;
}
