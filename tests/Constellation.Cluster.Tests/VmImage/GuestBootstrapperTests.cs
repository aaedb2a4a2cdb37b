using System.Security.Cryptography;
using System.Text.Json;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Constellation.Cluster.VmImage;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// The bootstrapper inside one node VM (TCG, OVMF, swtpm; the image's initrd followed by the cluster's configuration
/// cpio; state and metadata disks; a virtio NIC on a tap in a namespace this fixture makes): it reaches awaiting-init
/// and reports it on the console, the host reaches its verification service and init port over the namespace, the
/// attestation it issues carries PCR 4 and 9 exactly as predicted for the concatenated initrd, and an init from the
/// host maps the state disk with dm-crypt inside the guest.
/// </summary>
[NonParallelizable]
public class GuestBootstrapperTests
{
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private VmNetwork _network = null!;
    private QemuNode _node = null!;
    private MeasurementSet _expected = null!;
    private JsonElement _status;

    [OneTimeSetUp]
    public async Task BootToAwaitingInit()
    {
        var image = await VmImageBuild.SharedAsync();
        var firmwareFile = Path.Combine(image, "firmware-measurements.json");
        File.Exists(firmwareFile).Should().BeTrue($"{firmwareFile} is recorded by scripts/vm-image-reference.sh (scripts/test.sh runs it after building the image)");
        _network = VmNetwork.Create();
        var address = _network.GuestAddress.ToString();
        var prepared = await QemuNode.PrepareAsync(image, QemuNode.BootConfiguration(InitSecretHash.Hash(InitSecret, cost: 4)));
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var firmware = MeasurementJson.Parse(await File.ReadAllTextAsync(firmwareFile));
            _expected = firmware.Aggregate(await VmImageMeasurements.ComputeAsync(prepared.Directory), (set, pcr) => set.With(pcr.Key, pcr.Value));
            started.Restart();
            _node = await QemuNode.StartAsync(
                prepared,
                [
                    ("address", _network.GuestAddressWithPrefix + "\n"),
                    ("bootstrapper.json", JsonSerializer.Serialize(new { Bootstrapper = new { NodeName = "guest-0", ListenAddress = address, ControlPlane = true } })),
                    // The join policy (the join service's JSON): the same predicted measurements.
                    ("attestation-config.json", $"{{\"measurements\": {MeasurementJson.Serialize(_expected)}}}"),
                ],
                _network);
        }
        catch when (_node is null)
        {
            // StartAsync owns the directory once it runs (and deletes it when it fails); before that it is ours.
            if (Directory.Exists(prepared.Directory))
            {
                Directory.Delete(prepared.Directory, recursive: true);
            }

            throw;
        }

        var line = await _node.WaitForLineAsync(l => l.StartsWith("CONSTELLATION-STATUS ", StringComparison.Ordinal) && l.Contains("\"awaiting-init\"", StringComparison.Ordinal), "awaiting-init");
        TestContext.Progress.WriteLine($"VM node boot to awaiting-init (TCG, OVMF, swtpm, AOT bootstrapper) took {started.Elapsed.TotalSeconds:F1} s");
        _status = JsonDocument.Parse(line["CONSTELLATION-STATUS ".Length..]).RootElement.Clone();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _network?.Dispose();
    }

    [Test]
    [Order(1)]
    public void The_console_reports_the_bootstrappers_status_awaiting_init_on_the_metadata_address()
    {
        _status.GetProperty("name").GetString().Should().Be("guest-0");
        _status.GetProperty("role").GetString().Should().Be("control-plane");
        _status.GetProperty("initEndpoint").GetString().Should().Be($"{_network.GuestAddress}:9000");
        _node.Console.Should().Contain($"CONSTELLATION-VM: eth0 {_network.GuestAddressWithPrefix}");
    }

    [Test]
    [Order(2)]
    public async Task A_prediction_for_the_initrd_without_the_cluster_configuration_is_refused_naming_pcr_9()
    {
        var image = await VmImageBuild.SharedAsync();
        var baseInitrd = await File.ReadAllBytesAsync(VmImageBuild.Initrd(image));
        var stale = _expected.With(9, new Measurement(VmImageMeasurements.ComputePcr9(VmImageBuild.CommandLine(image), baseInitrd)));
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(VerifyEndpoint());

        var verify = () => VerificationClient.VerifyAsync(channel, QemuVtpmVariant.CreateValidator(stale)).WaitAsync(QemuNode.Bound);

        (await verify.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("9");
    }

    [Test]
    [Order(3)]
    public async Task The_verification_service_answers_from_the_host_with_pcr_4_and_9_as_predicted_for_the_concatenated_initrd()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(VerifyEndpoint());

        var result = await VerificationClient.VerifyAsync(channel, QemuVtpmVariant.CreateValidator(_expected)).WaitAsync(QemuNode.Bound);

        result.Variant.Should().Be(AttestationVariant.QemuVtpm);
        result.Measurements[4].Should().Equal(_expected[4].Expected);
        result.Measurements[9].Should().Equal(_expected[9].Expected);
    }

    [Test]
    [Order(4)]
    public async Task An_init_with_a_wrong_secret_is_refused_over_attested_tls_from_the_host()
    {
        using var channel = InitChannel();

        var init = () => InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "guest").WaitAsync(QemuNode.Bound);

        await init.Should().ThrowAsync<InitFailedException>().WithMessage("*invalid init secret*", "the node answered over aTLS and refused the secret");
        _node.Console.Should().NotContain("CONSTELLATION-CRYPTSETUP", "a refused init maps nothing");
    }

    [Test]
    [Order(5)]
    public async Task An_init_from_the_host_maps_the_state_disk_with_dm_crypt_inside_the_guest()
    {
        using var channel = InitChannel();

        InitResult result;
        try
        {
            result = await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), InitSecret, "guest").WaitAsync(QemuNode.Bound);
        }
        catch (InitFailedException ex)
        {
            throw new AssertionException($"the init failed: {ex.Message}; console:\n{_node.Console}", ex);
        }

        result.ClusterId.Length.Should().Be(32);
        await _node.WaitForLineAsync(l => l.StartsWith("CONSTELLATION-CRYPTSETUP ", StringComparison.Ordinal) && l.Contains("LUKS2", StringComparison.Ordinal), "the dm-crypt mapping");
        var mapping = string.Join('\n', _node.Console.Split('\n').Where(l => l.StartsWith("CONSTELLATION-CRYPTSETUP ", StringComparison.Ordinal)));
        mapping.Should().Contain("/dev/mapper/constellation-guest-0 is active").And.Contain("device:  /dev/vda").And.Contain("cipher:  aes-xts-plain64");
    }

    private string VerifyEndpoint() => _status.GetProperty("verifyEndpoint").GetString()!;

    private Grpc.Net.Client.GrpcChannel InitChannel() =>
        new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [QemuVtpmVariant.CreateValidator(_expected)] }).CreateChannel(_status.GetProperty("initEndpoint").GetString()!);
}
