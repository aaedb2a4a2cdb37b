using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.StateDisk;

namespace Constellation.Cluster.Tests.Bootstrapper.StateDisk;

/// <summary>
/// The node state lives in the LUKS2 header of the state disk, sealed with the disk key: a rebooting node reads its
/// role and measurement salt back only with the right key, and a changed or transplanted token is refused.
/// Real LUKS2 images with Debian's cryptsetup.
/// </summary>
public class NodeStateOnDiskTests
{
    private static readonly NodeState State = new(NodeRole.ControlPlane, Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("hosts-nodestate-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task The_state_written_with_the_disk_key_reads_back_after_a_reboot()
    {
        var (image, key) = await FormattedImageAsync("a");
        await using (var disk = await LuksStateDisk.OpenAsync(Options(image)))
        {
            await disk.WriteNodeStateAsync(State, key);
        }

        await using var reboot = await LuksStateDisk.OpenAsync(Options(image));
        var read = await reboot.ReadNodeStateAsync(key);

        read.Role.Should().Be(NodeRole.ControlPlane);
        read.MeasurementSalt.ToArray().Should().Equal(State.MeasurementSalt.ToArray());
        Cryptsetup("luksDump", image).Should().Contain(SealedNodeStateType, "it is a token in the disk's own header");
    }

    [Test]
    public async Task Another_key_does_not_read_the_state()
    {
        var (image, key) = await FormattedImageAsync("a");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));
        await disk.WriteNodeStateAsync(State, key);

        var read = async () => await disk.ReadNodeStateAsync(RandomNumberGenerator.GetBytes(32));

        (await read.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("does not open");
    }

    [Test]
    public async Task A_key_that_does_not_unlock_the_disk_cannot_write_a_state()
    {
        var (image, _) = await FormattedImageAsync("a");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));

        var write = async () => await disk.WriteNodeStateAsync(State, RandomNumberGenerator.GetBytes(32));

        (await write.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("a key that does not unlock it");
        Cryptsetup("luksDump", image).Should().NotContain(SealedNodeStateType);
    }

    [TestCase("ciphertext")]
    [TestCase("nonce")]
    [TestCase("tag")]
    public async Task A_token_changed_on_the_disk_is_refused(string field)
    {
        var (image, key) = await FormattedImageAsync("a");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));
        await disk.WriteNodeStateAsync(State, key);

        var token = ExportToken(image, out var id);
        var bytes = Convert.FromBase64String(token[field]!.GetValue<string>());
        bytes[0] ^= 0x01;
        token[field] = Convert.ToBase64String(bytes);
        ImportToken(image, id, token.ToJsonString());

        var read = async () => await disk.ReadNodeStateAsync(key);
        (await read.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("does not open");
    }

    [Test]
    public async Task A_token_copied_from_another_disk_does_not_open_even_with_that_disks_key()
    {
        var (victim, victimKey) = await FormattedImageAsync("victim");
        var (other, otherKey) = await FormattedImageAsync("other");
        await using (var disk = await LuksStateDisk.OpenAsync(Options(other)))
        {
            await disk.WriteNodeStateAsync(new NodeState(NodeRole.Worker, new byte[32]), otherKey);
        }

        // The other disk's token (sealed with the other disk's key) is planted on the victim; give the victim the same
        // disk key as the other disk to show that the UUID binding alone refuses it.
        Cryptsetup("luksAddKey", "--key-file", WriteKey(victimKey), "--new-keyfile", WriteKey(otherKey), "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", victim).Should().StartWith("0:");
        var token = ExportToken(other, out _);
        ImportToken(victim, null, token.ToJsonString());

        await using var planted = await LuksStateDisk.OpenAsync(Options(victim));
        var read = async () => await planted.ReadNodeStateAsync(otherKey);

        (await read.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("from another disk");
    }

    [Test]
    public async Task Other_tokens_in_the_header_are_left_alone_and_a_rewrite_replaces_the_state()
    {
        var (image, key) = await FormattedImageAsync("a");
        ImportToken(image, 3, """{"type":"systemd-example","keyslots":[]}""");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));
        await disk.WriteNodeStateAsync(new NodeState(NodeRole.Worker, new byte[32]), key);
        await disk.WriteNodeStateAsync(State, key);

        (await disk.ReadNodeStateAsync(key)).Role.Should().Be(NodeRole.ControlPlane);
        var dump = Cryptsetup("luksDump", image);
        dump.Should().Contain("systemd-example");
        dump.Split(SealedNodeStateType).Length.Should().Be(2, "one node state token, replaced in place");
    }

    [Test]
    public async Task A_disk_without_a_state_says_so()
    {
        var (image, key) = await FormattedImageAsync("a");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));

        var read = async () => await disk.ReadNodeStateAsync(key);

        (await read.Should().ThrowAsync<StateDiskException>()).Which.Message.Should().Contain("got none");
    }

    [Test]
    public async Task Messages_name_the_disk_by_fingerprint_never_by_uuid()
    {
        var (image, key) = await FormattedImageAsync("a");
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));
        var messages = new List<string>();
        try
        {
            await disk.SetKeyAsync(RandomNumberGenerator.GetBytes(32));
        }
        catch (StateDiskException ex)
        {
            messages.Add(ex.Message);
        }

        try
        {
            await disk.ReadNodeStateAsync(key);
        }
        catch (StateDiskException ex)
        {
            messages.Add(ex.Message);
        }

        messages.Should().HaveCount(2);
        messages.Should().OnlyContain(m => !m.Contains(disk.Uuid, StringComparison.OrdinalIgnoreCase) && m.Contains("sha256:"));
    }

    private const string SealedNodeStateType = "constellation-node-state";

    private static LuksStateDiskOptions Options(string image) => new() { DevicePath = image, MapAfterUnlock = false };

    private async Task<(string Image, byte[] Key)> FormattedImageAsync(string name)
    {
        var image = Path.Combine(_dir, name + ".img");
        StateDiskImage.CreateIfMissing(image, StateDiskImage.MinimumSizeMiB).Should().BeTrue();
        var key = RandomNumberGenerator.GetBytes(32);
        await using var disk = await LuksStateDisk.OpenAsync(Options(image));
        await disk.SetKeyAsync(key);
        return (image, key);
    }

    private string WriteKey(byte[] key)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".key");
        File.WriteAllBytes(path, key);
        return path;
    }

    private static JsonObject ExportToken(string image, out int id)
    {
        var metadata = JsonNode.Parse(Cryptsetup("luksDump", "--dump-json-metadata", image)[2..])!["tokens"]!.AsObject();
        var entry = metadata.Single(t => t.Value!["type"]!.GetValue<string>() == SealedNodeStateType);
        id = int.Parse(entry.Key, System.Globalization.CultureInfo.InvariantCulture);
        return JsonNode.Parse(entry.Value!.ToJsonString())!.AsObject();
    }

    private static void ImportToken(string image, int? id, string json)
    {
        string[] arguments = id is { } i ? ["token", "import", "--token-id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--token-replace", image] : ["token", "import", image];
        Cryptsetup(Encoding.UTF8.GetBytes(json), arguments).Should().StartWith("0:");
    }

    private static string Cryptsetup(params string[] arguments) => Cryptsetup(null, arguments);

    private static string Cryptsetup(byte[]? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo("cryptsetup") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return $"{process.ExitCode}:{output.Trim()}";
    }
}
