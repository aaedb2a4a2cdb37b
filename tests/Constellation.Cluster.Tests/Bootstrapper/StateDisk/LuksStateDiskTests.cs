using System.Diagnostics;
using System.Security.Cryptography;
using Constellation.Cluster.Bootstrapper.StateDisk;

namespace Constellation.Cluster.Tests.Bootstrapper.StateDisk;

/// <summary>Real LUKS2 on an image file with Debian's cryptsetup (no device-mapper needed: format and --test-passphrase only).</summary>
public class LuksStateDiskTests
{
    private string _dir = null!;
    private string _image = null!;

    [SetUp]
    public void CreateImage()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-luks-").FullName;
        _image = Path.Combine(_dir, "state.img");
        using var file = File.Create(_image);
        file.SetLength(20 * 1024 * 1024);
    }

    [TearDown]
    public void RemoveImage() => Directory.Delete(_dir, recursive: true);

    private LuksStateDiskOptions Options => new() { DevicePath = _image, MapAfterUnlock = false };

    private static string Cryptsetup(params string[] arguments)
    {
        var start = new ProcessStartInfo("cryptsetup") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return $"{process.ExitCode}:{output.Trim()}";
    }

    [Test]
    public async Task First_use_formats_a_real_luks2_header_with_the_nodes_uuid()
    {
        using var disk = await LuksStateDisk.OpenAsync(Options);
        disk.IsFormatted.Should().BeFalse();

        await disk.SetKeyAsync(RandomNumberGenerator.GetBytes(32));

        Cryptsetup("isLuks", "--type", "luks2", _image).Should().StartWith("0:");
        Cryptsetup("luksUUID", _image).Should().Be("0:" + disk.Uuid);
        disk.Uuid.Should().Be(disk.Uuid.ToLowerInvariant());
        var header = new byte[8];
        using (var file = File.OpenRead(_image))
        {
            file.ReadExactly(header);
        }

        header.Should().Equal(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00, 0x02);
    }

    [Test]
    public async Task The_right_key_unlocks_and_a_wrong_key_is_refused()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var disk = await LuksStateDisk.OpenAsync(Options);
        await disk.SetKeyAsync(key);

        (await disk.TestKeyAsync(key)).Should().BeTrue();
        var wrong = (byte[])key.Clone();
        wrong[0] ^= 1;
        (await disk.TestKeyAsync(wrong)).Should().BeFalse();
    }

    [Test]
    public async Task A_later_boot_reads_the_uuid_and_proves_the_key_before_use()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        string uuid;
        using (var first = await LuksStateDisk.OpenAsync(Options))
        {
            await first.SetKeyAsync(key);
            uuid = first.Uuid;
        }

        using var reboot = await LuksStateDisk.OpenAsync(Options);
        reboot.IsFormatted.Should().BeTrue();
        reboot.Uuid.Should().Be(uuid);
        await reboot.SetKeyAsync(key);

        var wrongKey = async () => await reboot.SetKeyAsync(RandomNumberGenerator.GetBytes(32));
        (await wrongKey.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("does not unlock");
    }

    [Test]
    public async Task An_unformatted_disk_accepts_no_key()
    {
        using var disk = await LuksStateDisk.OpenAsync(Options);
        (await disk.TestKeyAsync(RandomNumberGenerator.GetBytes(32))).Should().BeFalse();
    }

    [Test]
    public async Task A_missing_image_is_a_clear_error()
    {
        var open = async () => await LuksStateDisk.OpenAsync(new LuksStateDiskOptions { DevicePath = Path.Combine(_dir, "missing.img") });
        (await open.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("no such device or image file");
    }

    [Test]
    public async Task Mapping_without_device_mapper_fails_loudly_after_the_key_was_proven()
    {
        // The kernel lists device-mapper in /proc/misc only when it is usable (a stray /dev/mapper/control is not enough).
        if (File.Exists("/proc/misc") && File.ReadAllText("/proc/misc").Contains("device-mapper", StringComparison.Ordinal))
        {
            // Where device-mapper exists, mapping must work; clean up the mapping afterwards.
            var options = new LuksStateDiskOptions { DevicePath = _image, MappingName = "hosts-test-" + Guid.NewGuid().ToString("N")[..8] };
            using var mapped = await LuksStateDisk.OpenAsync(options);
            await mapped.SetKeyAsync(RandomNumberGenerator.GetBytes(32));
            File.Exists(mapped.MappedPath).Should().BeTrue();
            Cryptsetup("close", options.MappingName);
            return;
        }

        using var disk = await LuksStateDisk.OpenAsync(new LuksStateDiskOptions { DevicePath = _image, MapAfterUnlock = true });
        var set = async () => await disk.SetKeyAsync(RandomNumberGenerator.GetBytes(32));

        (await set.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("cryptsetup open (mapping");
        disk.IsFormatted.Should().BeTrue("formatting does not need device-mapper");
    }

    [Test]
    public async Task The_in_memory_disk_keeps_the_first_key_and_refuses_another()
    {
        var disk = new InMemoryStateDisk();
        var key = RandomNumberGenerator.GetBytes(32);
        await disk.SetKeyAsync(key);

        (await disk.TestKeyAsync(key)).Should().BeTrue();
        var other = async () => await disk.SetKeyAsync(RandomNumberGenerator.GetBytes(32));
        await other.Should().ThrowAsync<StateDiskException>();
        Guid.TryParse(disk.Uuid, out _).Should().BeTrue();
    }
}
