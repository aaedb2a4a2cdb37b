using System.Collections.Concurrent;
using Constellation.Attestation.Policy;

namespace Constellation.Attestation.Tests.Policy;

public class UpdateableValidatorConcurrencyTests
{
    private const byte PolicyA = 0xaa;
    private const byte PolicyB = 0xbb;

    [Test]
    public async Task Eight_threads_validating_while_the_policy_file_is_swapped_100_times_always_see_exactly_one_complete_policy()
    {
        using var configMap = new ConfigMapDirectory(PolicyFixtures.Json(PolicyA));
        using var meter = new PolicyMeterRecorder();
        var source = new FileAttestationPolicySource(configMap.FilePath, PolicyFileFormat.Json, AttestationVariant.Dummy);
        var options = PolicyFixtures.FastOptions();
        options.PollInterval = TimeSpan.FromSeconds(1); // a safety net for a missed event; the swaps are normally seen by the watcher
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), options);

        var documents = new Dictionary<byte, byte[]> { [PolicyA] = PolicyFixtures.DocumentFor(PolicyA), [PolicyB] = PolicyFixtures.DocumentFor(PolicyB) };
        var tags = new Dictionary<byte, string> { [PolicyA] = PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyA)), [PolicyB] = PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyB)) };
        var accepted = new ConcurrentDictionary<byte, int>();
        var rejected = new ConcurrentDictionary<byte, int>();
        var violations = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var nonce = new byte[] { (byte)worker };
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var fill = i % 2 == 0 ? PolicyA : PolicyB;
                try
                {
                    var result = await validator.ValidateAsync(documents[fill], nonce);
                    if (result.Warnings.SequenceEqual([tags[fill]]))
                    {
                        accepted.AddOrUpdate(fill, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        violations.Enqueue($"document {fill:x2} accepted under {string.Join(",", result.Warnings)}");
                    }
                }
                catch (MeasurementMismatchException ex)
                {
                    // Rejected by one complete policy: the other one, so every register differs.
                    if (ex.Mismatches.Select(m => m.Index).SequenceEqual(PolicyFixtures.Indices) && ex.Mismatches.All(m => m.Expected.Expected[0] != fill))
                    {
                        rejected.AddOrUpdate(fill, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        violations.Enqueue($"document {fill:x2} rejected by a mixed policy: {ex.Message}");
                    }
                }
                catch (Exception ex)
                {
                    violations.Enqueue($"document {fill:x2} failed because of the swap: {ex}");
                }
            }
        })).ToArray();

        for (var swap = 1; swap <= 100; swap++)
        {
            var fill = swap % 2 == 1 ? PolicyB : PolicyA;
            configMap.Swap(PolicyFixtures.Json(fill));
            await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(fill)), $"swap {swap} is in effect");
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        violations.Should().BeEmpty();
        accepted.Keys.Should().Contain(PolicyA, "both policies were in effect while validating").And.Contain(PolicyB);
        rejected.Keys.Should().Contain(PolicyA).And.Contain(PolicyB);
        validator.Current.Generation.Should().Be(101, "each of the 100 swaps was applied exactly once");
        meter.Failures.Should().Be(0);
        meter.Reloads.Should().BeGreaterThanOrEqualTo(100);
    }
}
