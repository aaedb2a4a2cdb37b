using System.Text;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>Node WireGuard keys agree with wireguard-tools and stay in an owner-only file.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WireGuardKeyPairTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), "wgkeys-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public void Our_public_key_of_our_private_key_equals_what_wg_pubkey_computes()
    {
        using var pair = WireGuardKeyPair.Generate();

        var theirs = Peer.Run("wg", Encoding.ASCII.GetBytes(pair.ExportPrivateKey() + "\n"), "pubkey").Trim();

        pair.PublicKey.Should().Be(theirs);
    }

    [Test]
    public void Our_public_key_of_a_wg_genkey_private_key_equals_what_wg_pubkey_computes()
    {
        var privateKey = Peer.Run("wg", "genkey").Trim();
        var theirs = Peer.Run("wg", Encoding.ASCII.GetBytes(privateKey + "\n"), "pubkey").Trim();

        using var pair = WireGuardKeyPair.FromPrivateKey(privateKey);

        pair.PublicKey.Should().Be(theirs);
        pair.ExportPrivateKey().Should().Be(privateKey, "wg genkey's keys are clamped already");
    }

    [Test]
    public void An_unclamped_private_key_is_clamped_as_wireguard_clamps_it()
    {
        var raw = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 32).ToArray());
        var theirs = Peer.Run("wg", Encoding.ASCII.GetBytes(raw + "\n"), "pubkey").Trim();

        using var pair = WireGuardKeyPair.FromPrivateKey(raw);

        var clamped = Convert.FromBase64String(pair.ExportPrivateKey());
        clamped[0].Should().Be(0xF8);
        clamped[31].Should().Be(0x7F);
        pair.PublicKey.Should().Be(theirs);
    }

    [Test]
    public async Task The_key_file_is_created_owner_only_and_loads_back_to_the_same_key()
    {
        string publicKey;
        using (var created = await WireGuardKeyPair.LoadOrCreateAsync(_directory))
        {
            publicKey = created.PublicKey;
        }

        File.GetUnixFileMode(WireGuardKeyPair.PrivateKeyPath(_directory)).Should().Be(AtomicFile.OwnerOnly);
        using var loaded = await WireGuardKeyPair.LoadOrCreateAsync(_directory);
        loaded.PublicKey.Should().Be(publicKey);
    }

    [Test]
    public async Task A_key_file_others_can_read_is_refused()
    {
        (await WireGuardKeyPair.LoadOrCreateAsync(_directory)).Dispose();
        File.SetUnixFileMode(WireGuardKeyPair.PrivateKeyPath(_directory), AtomicFile.Readable);

        var load = async () => await WireGuardKeyPair.LoadOrCreateAsync(_directory);

        (await load.Should().ThrowAsync<VpnException>()).Which.Message.Should().Contain("expected mode 0600").And.Contain("644");
    }

    [Test]
    public void A_malformed_private_key_is_refused_without_repeating_it()
    {
        var secretish = Convert.ToBase64String(new byte[31]);

        var load = () => WireGuardKeyPair.FromPrivateKey(secretish);

        load.Should().Throw<VpnException>().Which.Message.Should().NotContain(secretish).And.Contain("Base64 of 32 bytes");
    }

    [Test]
    public void Its_text_form_shows_the_public_key_and_never_the_private_key()
    {
        using var pair = WireGuardKeyPair.Generate();

        pair.ToString().Should().Contain(pair.PublicKey).And.NotContain(pair.ExportPrivateKey());
    }

    [Test]
    public void Only_base64_of_exactly_32_bytes_is_key_text()
    {
        WireGuardKeyPair.IsKeyText(Convert.ToBase64String(new byte[32])).Should().BeTrue();
        WireGuardKeyPair.IsKeyText(Convert.ToBase64String(new byte[31])).Should().BeFalse();
        WireGuardKeyPair.IsKeyText(Convert.ToBase64String(new byte[33])).Should().BeFalse();
        WireGuardKeyPair.IsKeyText(new string('!', 44)).Should().BeFalse();
        WireGuardKeyPair.IsKeyText(" " + Convert.ToBase64String(new byte[32])).Should().BeFalse();
        WireGuardKeyPair.IsKeyText(null).Should().BeFalse();
    }
}
