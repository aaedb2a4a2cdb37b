using Constellation.Attestation.Collateral;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.IO;

/// <summary>
/// The files the library reads from configured paths (policy files, stored TDX collateral, collateral cache entries)
/// are bounded: a device, a FIFO without a writer or a huge file fails at once instead of blocking or exhausting memory.
/// </summary>
public class BoundedFileReadTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(10);

    private static IEnumerable<BadInput> Bad() => Enum.GetValues<BadInput>();

    [TestCaseSource(nameof(Bad))]
    public async Task A_policy_file_that_is_not_a_bounded_regular_file_is_refused_at_once(BadInput kind)
    {
        using var files = new BadInputFiles();
        var path = files.Create(kind, "attestationConfig");
        var source = new FileAttestationPolicySource(path, PolicyFileFormat.Json, AttestationVariant.QemuVtpm);

        var load = async () => await source.LoadAsync().AsTask().WaitAsync(AtOnce);

        (await load.Should().ThrowAsync<AttestationFormatException>()).Which.Message.Should().Contain(path);
    }

    [TestCaseSource(nameof(Bad))]
    public async Task Stored_TDX_collateral_that_is_not_a_bounded_regular_file_is_refused_at_once(BadInput kind)
    {
        using var files = new BadInputFiles();
        var path = files.Create(kind, Path.Combine("collateral", TdxCollateral.TcbInfoFile));

        var load = async () => await TdxCollateral.LoadDirectoryAsync(Path.GetDirectoryName(path)!).WaitAsync(AtOnce);

        (await load.Should().ThrowAsync<IOException>()).Which.Message.Should().Contain(path);
    }

    [TestCaseSource(nameof(Bad))]
    public async Task A_cache_entry_that_is_not_a_bounded_regular_file_is_a_miss_and_is_removed(BadInput kind)
    {
        using var files = new BadInputFiles();
        var cache = new FileCollateralCache(Path.Combine(files.Directory, "cache"));
        await cache.SetAsync("kds/crl", new CollateralEntry(new byte[] { 1, 2, 3 }, DateTimeOffset.UtcNow, null));
        var stored = Directory.GetFiles(cache.Directory).Single();
        File.Delete(stored);
        File.Move(files.Create(kind, "entry"), stored);

        var entry = await cache.GetAsync("kds/crl").AsTask().WaitAsync(AtOnce);

        entry.Should().BeNull();
        File.Exists(stored).Should().BeFalse("a damaged entry is deleted so the next fetch replaces it");
    }

    [Test]
    public async Task A_regular_collateral_directory_still_loads()
    {
        var collateral = await TdxCollateral.LoadDirectoryAsync(TestData.Evidence("tdx/collateral"));

        collateral.TcbInfo.Should().NotBeNull();
        collateral.PckCrl.Should().NotBeNull();
    }
}
