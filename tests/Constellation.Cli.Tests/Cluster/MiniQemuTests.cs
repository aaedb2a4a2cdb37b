using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;
using Constellation.Tests.VmImage;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// Issue #21's acceptance on real VMs: <c>mini up --qemu</c> boots two QEMU guests (OVMF, swtpm vTPM, TCG here),
/// each running the Native AOT bootstrapper from the VM image's initramfs on a real LUKS2 state disk; the first inits
/// the cluster, the second joins it, and both verify against measurements computed in advance from the image files
/// (the firmware's PCRs 0–7 as the reference boot recorded them, PCR 4 of the kernel, PCR 9 of command line and
/// initramfs), signed with the cluster's image key. A node booted from a modified initramfs is refused naming PCR 9,
/// from a modified kernel naming PCR 4. The control plane keeps the cluster store on the image's etcd, and the nodes'
/// VPN runs on each guest kernel's own WireGuard.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class MiniQemuTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(12);
    private string _dir = string.Empty;
    private string _image = string.Empty;
    private string _upOutput = string.Empty;
    private string _upError = string.Empty;
    private readonly List<string> _copies = [];

    [OneTimeSetUp]
    public async Task UpAsync()
    {
        Environment.UserName.Should().Be("root", "VM nodes need network namespaces and tap devices");
        _image = VmImage.Require();
        _dir = Path.Combine(Path.GetTempPath(), "mini-qemu-" + Guid.NewGuid().ToString("N")[..8]);

        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "up", "--qemu", "--vm-image", _image, "--nodes", "2", "--json", "--dir", _dir).WaitAsync(Bound);

        (_upOutput, _upError) = (output, error);
        exitCode.Should().Be(0, $"mini up --qemu should bring up and verify both VMs: {error}\n{ConsoleTails()}");
    }

    [OneTimeTearDown]
    public async Task DownAsync()
    {
        if (Directory.Exists(_dir))
        {
            await CliRunner.RunAsync("mini", "down", "--dir", _dir).WaitAsync(Bound);
        }

        foreach (var copy in _copies.Where(Directory.Exists))
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void Both_vms_were_initialised_or_joined_and_verified_and_the_output_names_the_accelerator()
    {
        using var json = JsonDocument.Parse(_upOutput);
        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();

        nodes.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1");
        nodes.Should().OnlyContain(n => n.GetProperty("verify").GetString() == "ok");
        _upError.Should().MatchRegex("the VMs run under (KVM|TCG)");
    }

    [Test]
    public async Task The_enforced_measurements_are_the_signed_image_measurements_with_the_firmware_and_boot_pcrs()
    {
        var config = ConstellationConfigFile.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "constellation-conf.yaml")));
        var enforced = config.Attestation.Measurements;
        var file = Directory.GetFiles(Path.Combine(_dir, "vm-images"), "measurements.json", SearchOption.AllDirectories).Should().ContainSingle().Which;
        var request = new SignedMeasurementsRequest(ImageVersion.Parse(config.Image), CloudProvider.Qemu, AttestationVariant.QemuVtpm)
        {
            PublicKey = MeasurementsPublicKey.FromPem(await File.ReadAllTextAsync(Path.Combine(_dir, "image-signing-key.pub.pem"))),
        };

        var bytes = await File.ReadAllBytesAsync(file);
        var signature = await File.ReadAllBytesAsync(file + ".sig");

        var verified = SignedMeasurementsFetcher.Verify(request, new Uri(file), bytes, signature);

        verified.SignatureVerified.Should().BeTrue();
        verified.Measurements.Equals(enforced).Should().BeTrue("the policy is the signed file");
        enforced.Keys.Should().Contain([0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 9u]);
        enforced.Values.Should().OnlyContain(m => !m.WarnOnly);
    }

    [Test]
    public async Task The_state_disk_inside_each_guest_is_an_active_dm_crypt_luks2_mapping_of_its_virtio_disk()
    {
        foreach (var node in new[] { "node-0", "node-1" })
        {
            var status = (await ConsoleAsync(node)).Split('\n')
                .Where(l => l.Contains("CONSTELLATION-CRYPTSETUP ", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("CONSTELLATION-CRYPTSETUP ", StringComparison.Ordinal) + 25)..].Trim())
                .ToList();

            status.Should().Contain(l => l.StartsWith("/dev/mapper/state is active", StringComparison.Ordinal), $"{node}'s cryptsetup status");
            status.Should().Contain(l => l.StartsWith("type:", StringComparison.Ordinal) && l.EndsWith("LUKS2", StringComparison.Ordinal));
            status.Should().Contain(l => l.StartsWith("cipher:", StringComparison.Ordinal) && l.Contains("aes-xts", StringComparison.Ordinal));
            status.Should().Contain(l => l.StartsWith("device:", StringComparison.Ordinal) && l.EndsWith("/dev/vda", StringComparison.Ordinal));
        }
    }

    [Test]
    public async Task Both_vms_are_vpn_peers_over_their_guest_kernels_wireguard_and_the_control_plane_is_an_etcd_member()
    {
        // The peer count is of WireGuard handshakes, so a count of one on both sides means the tunnel carried packets
        // both ways; the nodes poll every second, so the first handshake may come a few seconds after mini up.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        List<JsonElement> nodes;
        while (true)
        {
            var (exitCode, output, error) = await CliRunner.RunAsync("mini", "status", "--json", "--dir", _dir).WaitAsync(Bound);
            exitCode.Should().Be(0, error);
            // The refused nodes of the tampering tests (stopped) may be listed too.
            nodes = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray()
                .Where(n => n.GetProperty("name").GetString() is "node-0" or "node-1").ToList();
            if (nodes.All(n => n.GetProperty("peers").GetInt32() >= 1) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        nodes.Should().HaveCount(2);
        nodes.Should().OnlyContain(n => n.GetProperty("vpnIp").ValueKind == JsonValueKind.String, "every VM got a VPN address");
        nodes.Select(n => n.GetProperty("peers").GetInt32()).Should().Equal([1, 1], $"each VM had a handshake with the other\n{ConsoleTails()}");
        nodes[0].GetProperty("etcdMember").GetBoolean().Should().BeTrue("node-0, the control plane, runs an etcd member");
        nodes[1].GetProperty("etcdMember").GetBoolean().Should().BeFalse("node-1 is a worker");
        foreach (var node in new[] { "node-0", "node-1" })
        {
            (await ConsoleAsync(node)).Should().MatchRegex(@"WireGuard interface \S+ created \(kernel, listen port \d+\)", $"{node} uses its guest kernel's WireGuard, not wireguard-go (which the image does not hold)");
        }
    }

    [Test]
    public async Task A_vm_booted_from_a_modified_initramfs_is_refused_naming_pcr_9()
    {
        var copy = CopyImage();
        VmImageTampering.ReplaceOnce(Path.Combine(copy, "initrd.img"), "# /init of the QEMU node image", "# /init of the QEMU node Image");

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "add", "--vm-image", copy, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().NotBe(0, error);
        error.Should().Contain("refused").And.Contain("PCR 9").And.NotContain("PCR 4");
    }

    [Test]
    public async Task A_vm_booted_from_a_modified_kernel_is_refused_naming_pcr_4()
    {
        var copy = CopyImage();
        VmImageTampering.ChangeKernel(Path.Combine(copy, "vmlinuz"));

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "add", "--vm-image", copy, "--dir", _dir).WaitAsync(Bound);

        exitCode.Should().NotBe(0, error);
        error.Should().Contain("refused").And.Contain("PCR 4").And.NotContain("PCR 9");
    }

    [Test]
    public async Task Debug_deploy_against_a_production_image_node_is_refused_and_nothing_is_sent()
    {
        var key = Path.Combine(_dir, "debug-key-" + Guid.NewGuid().ToString("N")[..6]);
        (await CliRunner.RunAsync("debug", "key", "--out", key)).ExitCode.Should().Be(0);
        using var json = JsonDocument.Parse(_upOutput);
        var endpoint = json.RootElement.GetProperty("nodes")[0].GetProperty("initEndpoint").GetString()!;

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "debug", "deploy", "--node", endpoint[..endpoint.LastIndexOf(':')], "--bootstrapper", Path.Combine(_image, "vmlinuz"),
            "--key", Path.Combine(key, "debug-key.pem"), "--config", Path.Combine(_dir, "constellation-conf.yaml")).WaitAsync(Bound);

        exitCode.Should().NotBe(0, "a production image runs no debugd");
        error.Should().Contain("cannot reach debugd");
    }

    private string CopyImage()
    {
        var copy = _dir + "-image-" + _copies.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        MiniProcesses.CopyDirectory(_image, copy);
        _copies.Add(copy);
        return copy;
    }

    private async Task<string> ConsoleAsync(string node)
    {
        await using var stream = new FileStream(Path.Combine(_dir, "nodes", node, "bootstrapper.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Replace("\r", string.Empty, StringComparison.Ordinal);
    }

    private string ConsoleTails() =>
        string.Join("\n", new[] { "node-0", "node-1" }.Select(n => Path.Combine(_dir, "nodes", n, "bootstrapper.log")).Where(File.Exists)
            .Select(p => $"--- {p}:\n{string.Join("\n", File.ReadLines(p).TakeLast(30))}"));
}
