using System.Collections.Concurrent;
using System.Text;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>
/// The acceptance test on the real qemu-vtpm variant: two documents issued once on a swtpm, before and after extending
/// PCRs 12 and 13, and two policies that each accept exactly one of them.
/// </summary>
[NonParallelizable]
public class QemuVtpmPolicySwapConcurrencyTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("policy-swap-nonce-0123456789abcd");
    private static readonly uint[] Checked = [12, 13];

    [Test]
    public async Task Eight_threads_validating_qemu_vtpm_documents_while_the_configmap_is_swapped_100_times_see_exactly_one_complete_policy()
    {
        byte[] documentA, documentB;
        await using (var swtpm = await SwtpmProcess.StartAsync())
        {
            using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
            documentA = await issuer.IssueAsync(Encoding.ASCII.GetBytes("A"), Nonce);
            await SwtpmVtpm.ExtendAsync(swtpm, 12, "image B, component 1");
            await SwtpmVtpm.ExtendAsync(swtpm, 13, "image B, component 2");
            documentB = await issuer.IssueAsync(Encoding.ASCII.GetBytes("B"), Nonce);
        }

        var policyA = PolicyFor(documentA);
        var policyB = PolicyFor(documentB);
        policyA.Measurements[12].Should().NotBe(policyB.Measurements[12]);
        policyA.Measurements[13].Should().NotBe(policyB.Measurements[13]);

        using var configMap = new ConfigMapDirectory(AttestationConfigJson.Serialize(policyA));
        using var meter = new PolicyMeterRecorder();
        var factory = new AttestationValidatorFactory().Register(AttestationVariant.QemuVtpm, c => QemuVtpmVariant.CreateValidator(c.Measurements));
        var source = new FileAttestationPolicySource(configMap.FilePath, PolicyFileFormat.Json, AttestationVariant.QemuVtpm);
        var options = PolicyFixtures.FastOptions();
        options.PollInterval = TimeSpan.FromSeconds(1); // a safety net for a missed event; the swaps are normally seen by the watcher
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, factory, options);

        var documents = new[] { ("A", documentA, policyA), ("B", documentB, policyB) };
        var accepted = new ConcurrentDictionary<string, int>();
        var rejected = new ConcurrentDictionary<string, int>();
        var violations = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i++)
            {
                var (name, document, own) = documents[i % 2];
                var other = documents[(i + 1) % 2].Item3;
                try
                {
                    var result = await validator.ValidateAsync(document, Nonce);
                    if (Encoding.ASCII.GetString(result.UserData.Span) == name)
                    {
                        accepted.AddOrUpdate(name, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        violations.Enqueue($"document {name} returned user data of another document");
                    }
                }
                catch (MeasurementMismatchException ex)
                {
                    // Rejected by one complete policy: the other one, on both checked PCRs, with its values.
                    var consistent = ex.Mismatches.Select(m => m.Index).SequenceEqual(Checked)
                        && ex.Mismatches.All(m => m.Expected.Equals(other.Measurements[m.Index]));
                    if (consistent)
                    {
                        rejected.AddOrUpdate(name, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        violations.Enqueue($"document {name} rejected by a mixed policy: {ex.Message}");
                    }
                }
                catch (Exception ex)
                {
                    violations.Enqueue($"document {name} failed because of the swap: {ex}");
                }
            }
        })).ToArray();

        for (var swap = 1; swap <= 100; swap++)
        {
            var next = swap % 2 == 1 ? policyB : policyA;
            configMap.Swap(AttestationConfigJson.Serialize(next));
            await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(next), $"swap {swap} is in effect");
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        violations.Should().BeEmpty();
        accepted.Keys.Should().BeEquivalentTo(["A", "B"]);
        rejected.Keys.Should().BeEquivalentTo(["A", "B"]);
        validator.Current.Generation.Should().Be(101);
        meter.Failures.Should().Be(0);
    }

    private static AttestationConfig PolicyFor(byte[] document)
    {
        var all = SwtpmVtpm.MeasurementsOf(document);
        return new MeasurementsAttestationConfig(
            AttestationVariant.QemuVtpm,
            new MeasurementSet(Checked.Select(i => new KeyValuePair<uint, Measurement>(i, all[i]))));
    }
}
