using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Kms;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.LocalCluster;

/// <summary>
/// Three bootstrapper nodes on loopback (dummy variant over real aTLS, LUKS2 image files as state disks): init on the
/// first, the others join through its join service, then every node is verified.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class LocalClusterEndToEndTests
{
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private string _dir = null!;
    private readonly List<(BootstrapperNode Node, InMemoryClusterIdRegister Register)> _nodes = [];
    private MasterSecret _master = null!;
    private byte[] _salt = null!;
    private InitResult _init = null!;

    private static AtlsGrpcChannelFactory CliInitChannels { get; } = new(new AtlsOptions { Validators = [new DummyValidator()] });

    // node-2's SSH host key (ECDSA P-256, as OpenSSH writes it to ssh_host_ecdsa_key.pub); node-1 sends none.
    private static readonly ECDsa SshHostKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static byte[] SshHostKeyPoint
    {
        get
        {
            var q = SshHostKey.ExportParameters(false).Q;
            return [0x04, .. q.X!, .. q.Y!];
        }
    }

    private static string SshHostKeyLine()
    {
        static byte[] Field(byte[] value) => [.. BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value.Length)), .. value];
        byte[] wire = [.. Field("ecdsa-sha2-nistp256"u8.ToArray()), .. Field("nistp256"u8.ToArray()), .. Field(SshHostKeyPoint)];
        return $"ecdsa-sha2-nistp256 {Convert.ToBase64String(wire)} root@node-2\n";
    }

    [OneTimeSetUp]
    public async Task StartClusterAndInit()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-e2e-").FullName;
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(await StartNodeAsync($"node-{i}", new InMemoryClusterIdRegister(), sshHostKey: i == 2 ? SshHostKeyLine() : null));
        }

        _master = MasterSecret.Generate();
        _salt = RandomNumberGenerator.GetBytes(32);
        using var channel = CliInitChannels.CreateChannel(_nodes[0].Node.InitAddress);
        _init = await InitClient.InitAsync(channel, _master, _salt, InitSecret, "e2e");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var (node, _) in _nodes)
        {
            await node.Activation.Activated.WaitAsync(timeout.Token);
        }
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        foreach (var (node, _) in _nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(BootstrapperNode, InMemoryClusterIdRegister)> StartNodeAsync(string name, InMemoryClusterIdRegister register, string? metadataFile = null, string? sshHostKey = null)
    {
        var nodeDir = Path.Combine(_dir, name);
        Directory.CreateDirectory(nodeDir);
        var image = Path.Combine(nodeDir, "state.img");
        using (var file = File.Create(image))
        {
            file.SetLength(20 * 1024 * 1024);
        }

        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = nodeDir,
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            MetadataFile = metadataFile ?? Path.Combine(_dir, "metadata"),
            StateDisk = new LuksStateDiskOptions { DevicePath = image, MapAfterUnlock = false },
            SshHostPublicKey = sshHostKey,
        };
        var node = await BootstrapperNode.StartAsync(
            options,
            new DummyIssuer(),
            register,
            NodeTransports.Attested(new DummyIssuer(), new DummyValidator()),
            new MetadataFileJoinEndpointSource(options.MetadataFile),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        return (node, register);
    }

    [Test]
    public async Task Init_succeeded_once_and_a_second_init_on_the_same_node_is_refused()
    {
        (await _nodes[0].Node.Activation.Activated).Should().Be(NodeRole.ControlPlane);
        _init.ClusterId.ToArray().Should().Equal(ClusterKeyDerivation.DeriveClusterId(ClusterKeyDerivation.DeriveDataKey(_master, DataKeyId.MeasurementSecret, 32), _salt));
        Encoding.UTF8.GetString(_init.Kubeconfig.Span).Should().Contain("certificate-authority-data").And.Contain("current-context");

        using var channel = CliInitChannels.CreateChannel(_nodes[0].Node.InitAddress);
        var again = async () => await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), InitSecret, "other");

        var error = (await again.Should().ThrowAsync<InitFailedException>()).Which;
        error.Status.Should().Be(StatusCode.FailedPrecondition);
        error.Message.Should().Be("node is already being activated");
        _nodes[0].Register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], _init.ClusterId.Span), "the refused init extended nothing");
    }

    [Test]
    public async Task A_joined_node_refuses_init_too()
    {
        using var channel = CliInitChannels.CreateChannel(_nodes[1].Node.InitAddress);
        var init = async () => await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), InitSecret, "other");

        (await init.Should().ThrowAsync<InitFailedException>()).Which.Status.Should().Be(StatusCode.FailedPrecondition);
    }

    [Test]
    public async Task The_other_nodes_joined_as_workers_through_the_join_client()
    {
        (await _nodes[0].Node.JoinClientCompletion).Should().BeFalse("init took the first node's lock");
        for (var i = 1; i < 3; i++)
        {
            (await _nodes[i].Node.Activation.Activated).Should().Be(NodeRole.Worker);
            (await _nodes[i].Node.JoinClientCompletion).Should().BeTrue();
            NodeState.Parse(await File.ReadAllBytesAsync(_nodes[i].Node.Activation.NodeStatePath)).MeasurementSalt.ToArray().Should().Equal(_salt);
        }
    }

    [Test]
    public async Task A_node_that_sent_its_SSH_host_key_received_a_host_certificate_for_it_signed_by_the_cluster_CA()
    {
        await _nodes[2].Node.JoinClientCompletion;
        var ssh = Path.Combine(_dir, "node-2", "ssh");

        var certificateLine = (await File.ReadAllTextAsync(Path.Combine(ssh, "ssh_host_cert.pub"))).Split(' ');
        var caLine = (await File.ReadAllTextAsync(Path.Combine(ssh, "ssh_ca.pub"))).Split(' ');

        certificateLine[0].Should().Be("ecdsa-sha2-nistp256-cert-v01@openssh.com");
        caLine[0].Should().Be("ssh-ed25519");
        var certificate = Convert.FromBase64String(certificateLine[1]);
        certificate.AsSpan().IndexOf(SshHostKeyPoint).Should().BePositive("the certificate certifies node-2's host key");
        certificate.AsSpan().IndexOf("node-2"u8).Should().BePositive("the node name is a principal");
        certificate.AsSpan().IndexOf(Convert.FromBase64String(caLine[1].Trim())).Should().BePositive("the signature key is the CA written beside it");
    }

    [Test]
    public async Task A_node_that_sent_no_SSH_host_key_gets_the_CA_key_but_no_host_certificate()
    {
        await _nodes[1].Node.JoinClientCompletion;
        var ssh = Path.Combine(_dir, "node-1", "ssh");

        File.Exists(Path.Combine(ssh, "ssh_host_cert.pub")).Should().BeFalse();
        (await File.ReadAllTextAsync(Path.Combine(ssh, "ssh_ca.pub"))).Should().Be(await File.ReadAllTextAsync(Path.Combine(_dir, "node-2", "ssh", "ssh_ca.pub")));
    }

    [Test]
    public void Every_node_extended_the_same_cluster_id_into_its_register()
    {
        var expected = MeasurementSet.ExtendRegister(new byte[32], _init.ClusterId.Span);
        _nodes.Should().OnlyContain(n => n.Register.Value.SequenceEqual(expected));
    }

    [Test]
    public void Every_joined_node_holds_a_kubelet_certificate_signed_by_the_cluster_ca()
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "node-0", "ca.crt")));
        for (var i = 1; i < 3; i++)
        {
            using var kubelet = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, $"node-{i}", "kubelet.crt")));
            kubelet.Subject.Should().Be($"CN=system:node:node-{i}, O=system:nodes");
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.Build(kubelet).Should().BeTrue(string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            File.GetUnixFileMode(Path.Combine(_dir, $"node-{i}", "kubelet.key")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Test]
    public async Task Every_node_has_a_distinct_disk_key_equal_to_the_key_services_derivation()
    {
        // As the join service: the key service serves no one else.
        using var kms = _nodes[0].Node.Cluster.KeyServiceChannels!.CreateChannel(_nodes[0].Node.Cluster.KeyServiceAddress!);
        var keys = new List<string>();
        foreach (var (node, _) in _nodes)
        {
            var uuid = node.Activation.Disk.Uuid;
            var fromKeyService = (await new API.APIClient(kms).GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = uuid, Length = 32 })).DataKey.ToByteArray();
            fromKeyService.Should().Equal(ClusterKeyDerivation.DeriveDataKey(_master, DataKeyId.StateDisk(StateDiskUuid.Parse(uuid)), 32));
            (await node.Activation.Disk.TestKeyAsync(fromKeyService)).Should().BeTrue($"{node.Options.NodeName}'s LUKS2 disk opens with the derived key");
            keys.Add(Convert.ToHexString(fromKeyService));
        }

        keys.Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void The_key_service_master_secret_file_is_0600()
    {
        File.GetUnixFileMode(_nodes[0].Node.Cluster.MasterSecretPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Test]
    public async Task Verify_succeeds_for_each_node()
    {
        foreach (var (node, _) in _nodes)
        {
            using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(node.VerifyGrpcAddress);
            var result = await VerificationClient.VerifyAsync(channel, new DummyValidator());
            result.Variant.Should().Be(AttestationVariant.Dummy);
        }
    }

    [Test]
    public async Task A_node_already_initialized_for_another_cluster_does_not_join()
    {
        var register = new InMemoryClusterIdRegister();
        await register.ExtendAsync(RandomNumberGenerator.GetBytes(32));
        var (node, _) = await StartNodeAsync("foreign", register);
        await using (node)
        {
            (await node.JoinClientCompletion).Should().BeFalse();
            node.Activation.Lock.IsLocked.Should().BeTrue();
            File.Exists(Path.Combine(_dir, "foreign", "kubelet.crt")).Should().BeFalse();
        }
    }

    [Test]
    public async Task Init_with_a_wrong_init_secret_is_refused_before_anything_happens()
    {
        // Its own (empty) metadata file: otherwise its join client may join the running cluster and extend the register.
        var (node, register) = await StartNodeAsync("wrong-secret", new InMemoryClusterIdRegister(), Path.Combine(_dir, "no-join-endpoints"));
        await using (node)
        {
            using var channel = CliInitChannels.CreateChannel(node.InitAddress);
            var init = async () => await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "x");

            (await init.Should().ThrowAsync<InitFailedException>()).Which.Message.Should().Contain("invalid init secret");
            (await register.IsExtendedAsync()).Should().BeFalse();
        }
    }
}
