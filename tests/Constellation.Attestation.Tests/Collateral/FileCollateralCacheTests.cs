using Constellation.Attestation.Collateral;

namespace Constellation.Attestation.Tests.Collateral;

public class FileCollateralCacheTests
{
    private static readonly DateTimeOffset Stored = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("collateral-cache-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task An_entry_written_by_one_instance_is_read_back_by_another_with_its_expiry()
    {
        var key = "https://kdsintf.amd.com/vcek/v1/Milan/cert_chain";
        await new FileCollateralCache(_dir).SetAsync(key, new CollateralEntry("chain"u8, Stored, Stored.AddDays(1)));

        var entry = await new FileCollateralCache(_dir).GetAsync(key);

        entry.Should().NotBeNull();
        entry!.Content.ToArray().Should().Equal("chain"u8.ToArray());
        entry.StoredAt.Should().Be(Stored);
        entry.ExpiresAt.Should().Be(Stored.AddDays(1));
    }

    [Test]
    public async Task An_entry_without_expiry_is_read_back_as_never_expiring()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync("k", new CollateralEntry("v"u8, Stored, null));

        var entry = await cache.GetAsync("k");

        entry!.ExpiresAt.Should().BeNull();
        entry.IsExpired(DateTimeOffset.MaxValue).Should().BeFalse();
    }

    [Test]
    public async Task A_missing_key_and_a_missing_directory_are_misses()
    {
        (await new FileCollateralCache(Path.Combine(_dir, "absent")).GetAsync("k")).Should().BeNull();
        (await new FileCollateralCache(_dir).GetAsync("k")).Should().BeNull();
    }

    [Test]
    public async Task Writing_leaves_no_temporary_files_behind_and_replaces_the_previous_entry()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync("k", new CollateralEntry("old"u8, Stored, null));
        await cache.SetAsync("k", new CollateralEntry("new"u8, Stored, null));

        Directory.GetFiles(_dir).Should().ContainSingle().Which.Should().Be(cache.PathFor("k"));
        (await cache.GetAsync("k"))!.Content.ToArray().Should().Equal("new"u8.ToArray());
    }

    [Test]
    public async Task A_torn_entry_file_is_a_miss_and_is_removed()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync("k", new CollateralEntry(new byte[100], Stored, null));
        var path = cache.PathFor("k");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        (await cache.GetAsync("k")).Should().BeNull();
        File.Exists(path).Should().BeFalse();
    }

    [Test]
    public async Task An_entry_with_a_flipped_content_byte_is_a_miss()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync("k", new CollateralEntry("certificate"u8, Stored, null));
        var path = cache.PathFor("k");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        (await cache.GetAsync("k")).Should().BeNull();
    }

    [Test]
    public async Task Removing_an_entry_deletes_its_file()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync("k", new CollateralEntry("v"u8, Stored, null));

        await cache.RemoveAsync("k");

        (await cache.GetAsync("k")).Should().BeNull();
        File.Exists(cache.PathFor("k")).Should().BeFalse();
    }

    [Test]
    public async Task Concurrent_writers_of_one_key_leave_one_complete_entry()
    {
        var cache = new FileCollateralCache(_dir);
        var payloads = Enumerable.Range(0, 16).Select(i => Enumerable.Repeat((byte)i, 4096).ToArray()).ToArray();

        await Task.WhenAll(payloads.Select(p => Task.Run(async () => await cache.SetAsync("k", new CollateralEntry(p, Stored, null)))));

        var entry = await cache.GetAsync("k");
        payloads.Should().ContainSingle(p => p.SequenceEqual(entry!.Content.ToArray()));
        Directory.GetFiles(_dir).Should().ContainSingle();
    }

    [Test]
    public void The_default_directory_follows_XDG_CACHE_HOME_and_falls_back_to_dot_cache()
    {
        var saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/var/tmp/xdg");
            CollateralCacheDirectory.GetDefault().Should().Be("/var/tmp/xdg/constellation/collateral");

            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "relative/not/allowed");
            CollateralCacheDirectory.GetDefault().Should().Be(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "constellation", "collateral"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}
