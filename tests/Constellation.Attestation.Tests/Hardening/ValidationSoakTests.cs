using System.Diagnostics;
using System.Globalization;
using System.Text;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Tests.Tdx;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Soak: continuous validation of a real SNP report (warm chain), a real TDX quote with its collateral and a vTPM
/// document issued on swtpm, with memory sampled. 20 seconds by default; <c>CONSTELLATION_SOAK_MINUTES=10</c> runs
/// ten minutes. Asserts that managed memory (after a full GC) and the working set stay within stated bounds once warm.
/// </summary>
[Category("Soak")]
[NonParallelizable]
public sealed class ValidationSoakTests
{
    /// <summary>Growth of the managed heap (after a full collection) allowed between warm-up and the end.</summary>
    private const long ManagedGrowthBound = 32L * 1024 * 1024;

    /// <summary>Growth of the process working set allowed between warm-up and the end (native buffers, JIT, other tests' threads).</summary>
    private const long WorkingSetGrowthBound = 128L * 1024 * 1024;

    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("soak-nonce-0123456789abcdef01234");

    [Test]
    [CancelAfter(4 * 60 * 60 * 1000)]
    public async Task Continuous_validation_keeps_memory_within_bounds(CancellationToken cancellationToken)
    {
        var duration = Duration();
        await using var swtpm = await SwtpmProcess.StartAsync(cancellationToken);
        byte[] document;
        using (var issuer = SwtpmVtpm.QemuIssuer(swtpm))
        {
            document = await issuer.IssueAsync(Encoding.ASCII.GetBytes("soak"), Nonce, cancellationToken);
        }

        var vtpm = QemuVtpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(document));
        var snp = SnpVectors.VerifierAt(SnpVectors.AzureValidAt);
        var snpReport = SnpVectors.AzureReportBytes;
        var snpChain = SnpVectors.AzureChain;
        var tdx = new TdxQuoteVerifier(TdxQuoteChecks.At(RealTdx.V4Pinned, signaturesOnly: true));
        var tdxQuote = RealTdx.V4Bytes;
        var tdxCollateral = RealTdx.LoadCollateral();

        async Task OneRoundAsync()
        {
            snp.Verify(SnpReport.Parse(snpReport), snpChain).ThrowIfInvalid();
            tdx.VerifyAndValidate(TdxQuote.Parse(tdxQuote), tdxCollateral, TdxValidationOptions.SignaturesOnly);
            (await vtpm.ValidateAsync(document, Nonce, cancellationToken)).UserData.ToArray().Should().Equal(Encoding.ASCII.GetBytes("soak"));
        }

        // Warm-up: JIT, chain caches, key pools, thread pool.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds / 4)))
        {
            await OneRoundAsync();
        }

        var baseline = Sample();
        var samples = new List<(TimeSpan At, long Managed, long WorkingSet)> { (TimeSpan.Zero, baseline.Managed, baseline.WorkingSet) };
        var rounds = 0L;
        var clock = Stopwatch.StartNew();
        var nextSample = TimeSpan.FromSeconds(2);
        while (clock.Elapsed < duration)
        {
            await OneRoundAsync();
            rounds++;
            if (clock.Elapsed >= nextSample)
            {
                var (managed, workingSet) = Sample();
                samples.Add((clock.Elapsed, managed, workingSet));
                nextSample = clock.Elapsed + TimeSpan.FromSeconds(Math.Max(2, duration.TotalSeconds / 60));
            }
        }

        var end = Sample();
        samples.Add((clock.Elapsed, end.Managed, end.WorkingSet));
        foreach (var (at, managed, workingSet) in samples)
        {
            await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{at.TotalSeconds,8:0.0} s  managed {managed / 1024.0 / 1024,8:0.00} MiB  working set {workingSet / 1024.0 / 1024,8:0.00} MiB"));
        }

        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds (SNP + TDX + vTPM each) in {clock.Elapsed.TotalSeconds:0} s"));
        rounds.Should().BePositive();
        (end.Managed - baseline.Managed).Should().BeLessThan(ManagedGrowthBound, "validation must not accumulate managed memory");
        (end.WorkingSet - baseline.WorkingSet).Should().BeLessThan(WorkingSetGrowthBound, "validation must not accumulate native memory");
    }

    private static TimeSpan Duration()
    {
        var minutes = Environment.GetEnvironmentVariable("CONSTELLATION_SOAK_MINUTES");
        if (string.IsNullOrEmpty(minutes))
        {
            return TimeSpan.FromSeconds(20);
        }

        return double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromMinutes(value)
            : throw new InvalidOperationException($"CONSTELLATION_SOAK_MINUTES must be a positive number of minutes, got \"{minutes}\"");
    }

    private static (long Managed, long WorkingSet) Sample()
    {
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64);
    }
}
