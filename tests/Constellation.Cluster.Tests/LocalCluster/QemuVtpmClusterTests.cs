using System.Security.Cryptography;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Constellation.Tests.Swtpm;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.LocalCluster;

/// <summary>
/// The local cluster with the qemu-vtpm variant on real swtpm instances: the join service validates joining nodes
/// against measurements taken before the cluster existed (PCR 15 = zero), so tampered or foreign nodes cannot join.
/// </summary>

public class QemuVtpmClusterTests
{
    // Every wait is bounded so that a regression (e.g. a TPM connection deadlock) fails the fixture instead of hanging CI.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Dictionary<SwtpmProcess, SharedTpmConnection> _tpms = [];
    private string _dir = null!;
    private MeasurementSet _measurements = null!;
    private SwtpmProcess _controlPlaneTpm = null!;
    private BootstrapperNode _controlPlane = null!;
    private RecordingValidator _joinValidator = null!;
    private InitResult _init = null!;

    /// <summary>The one connection everything in this process uses for a swtpm (swtpm serves one connection at a time).</summary>
    private Func<CancellationToken, ValueTask<ITpmTransport>> Tpm(SwtpmProcess swtpm) => _tpms[swtpm].OpenAsync;

    [OneTimeSetUp]
    public async Task StartControlPlaneAndInit()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-vtpm-").FullName;
        _controlPlaneTpm = await StartSwtpmAsync();

        // The measurements are taken from a node that has not been bootstrapped: PCR 0-15, with PCR 15 all-zero.
        using (var probe = QemuVtpmVariant.CreateIssuer(Tpm(_controlPlaneTpm), NoEventLog))
        {
            _measurements = await FreshNodeMeasurements.MeasureAsync(probe).WaitAsync(Bound);
        }

        _measurements[15].Expected.Should().OnlyContain(b => b == 0);
        _joinValidator = new RecordingValidator(QemuVtpmVariant.CreateValidator(_measurements));
        _controlPlane = await StartNodeAsync("cp-0", _controlPlaneTpm).WaitAsync(Bound);
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [QemuVtpmVariant.CreateValidator(_measurements)] }).CreateChannel(_controlPlane.InitAddress);
        _init = await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), InitSecret, "vtpm").WaitAsync(Bound);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().AsTask().WaitAsync(Bound);
        }

        Directory.Delete(_dir, recursive: true);
    }

    private async Task<SwtpmProcess> StartSwtpmAsync()
    {
        var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        _owned.Add(swtpm);
        var shared = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        _owned.Add(shared);
        _tpms.Add(swtpm, shared);
        return swtpm;
    }

    private async Task<BootstrapperNode> StartNodeAsync(string name, SwtpmProcess swtpm)
    {
        var issuer = QemuVtpmVariant.CreateIssuer(Tpm(swtpm), NoEventLog);
        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = Path.Combine(_dir, name),
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            MetadataFile = Path.Combine(_dir, "metadata"),
        };
        var node = await BootstrapperNode.StartAsync(
            options, issuer, new TpmClusterIdRegister(Tpm(swtpm)), NodeTransports.Attested(issuer, _joinValidator),
            new MetadataFileJoinEndpointSource(options.MetadataFile), NullLoggerFactory.Instance, TimeProvider.System).WaitAsync(Bound);
        _owned.Add(node);
        return node;
    }

    /// <summary>What a modified bootstrapper would do: ask for a ticket directly, presenting its real attestation.</summary>
    private async Task<IssueJoinTicketResponse> JoinDirectlyAsync(SwtpmProcess swtpm, string name)
    {
        using var issuer = QemuVtpmVariant.CreateIssuer(Tpm(swtpm), NoEventLog);
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = issuer, AllowUnverifiedPeer = true }).CreateChannel(_controlPlane.JoinServiceAddress!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN=system:node:{name}, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(csr) };
        return await new API.APIClient(channel).IssueJoinTicketAsync(request, deadline: DateTime.UtcNow.Add(Bound));
    }

    [Test]
    public async Task The_control_plane_extended_the_cluster_id_into_pcr_15_and_verifies_with_it()
    {
        // The test reads the PCR through the same shared connection the node uses, while the node keeps serving.
        await using (var tpm = new TpmClient(await Tpm(_controlPlaneTpm)(CancellationToken.None)))
        {
            var pcrs = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [15])).AsTask().WaitAsync(Bound);
            pcrs[15].Should().Equal(MeasurementSet.ExtendRegister(new byte[32], _init.ClusterId.Span));

            using var verify = PlainGrpcChannelFactory.Instance.CreateChannel(_controlPlane.VerifyGrpcAddress);
            var result = await VerificationClient.VerifyAsync(verify, QemuVtpmVariant.CreateValidator(_measurements.WithClusterId(15, _init.ClusterId.Span))).WaitAsync(Bound);
            result.Variant.Should().Be(AttestationVariant.QemuVtpm);
        }
    }

    [Test]
    public async Task A_second_init_on_the_initialized_node_is_refused()
    {
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [QemuVtpmVariant.CreateValidator(_measurements.WithClusterId(15, _init.ClusterId.Span))] }).CreateChannel(_controlPlane.InitAddress);

        var again = async () => await InitClient.InitAsync(channel, MasterSecret.Generate(), RandomNumberGenerator.GetBytes(32), InitSecret, "vtpm").WaitAsync(Bound);

        var refusal = (await again.Should().ThrowAsync<InitFailedException>()).Which;
        refusal.Message.Should().Contain("already being activated");
        refusal.InnerException.Should().BeOfType<RpcException>().Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
    }

    [Test]
    public async Task An_untouched_node_joins_and_verifies_with_the_cluster_id()
    {
        var node = await StartNodeAsync("worker-ok", await StartSwtpmAsync());

        (await node.Activation.Activated.WaitAsync(Bound)).Should().Be(NodeRole.Worker);
        using var verify = PlainGrpcChannelFactory.Instance.CreateChannel(node.VerifyGrpcAddress);
        await VerificationClient.VerifyAsync(verify, QemuVtpmVariant.CreateValidator(_measurements.WithClusterId(15, _init.ClusterId.Span))).WaitAsync(Bound);

        var withoutClusterId = async () => await VerificationClient.VerifyAsync(verify, QemuVtpmVariant.CreateValidator(_measurements)).WaitAsync(Bound);
        await withoutClusterId.Should().ThrowAsync<MeasurementMismatchException>("a joined node no longer matches the pre-cluster PCR 15");
    }

    [Test]
    public async Task A_node_whose_pcr_changed_after_the_measurements_were_set_cannot_join()
    {
        var swtpm = await StartSwtpmAsync();
        await using (var tpm = new TpmClient(await Tpm(swtpm)(CancellationToken.None)))
        {
            await tpm.PcrExtendAsync(4, TpmAlgorithm.Sha256, SHA256.HashData(Encoding.ASCII.GetBytes("malicious boot loader"))).AsTask().WaitAsync(Bound);
        }

        var join = async () => await JoinDirectlyAsync(swtpm, "tampered");

        await join.Should().ThrowAsync<RpcException>();
        var rejection = _joinValidator.Rejections.OfType<MeasurementMismatchException>().Should().ContainSingle(e => e.FailedIndices.Contains(4u)).Which;
        rejection.FailedIndices.Should().Equal(4u);
        rejection.Message.Should().Contain("index 4");
    }

    [Test]
    public async Task A_node_already_initialized_for_another_cluster_cannot_join()
    {
        var swtpm = await StartSwtpmAsync();
        await new TpmClusterIdRegister(Tpm(swtpm)).ExtendAsync(RandomNumberGenerator.GetBytes(32)).AsTask().WaitAsync(Bound);

        var join = async () => await JoinDirectlyAsync(swtpm, "foreign");

        await join.Should().ThrowAsync<RpcException>();
        var rejection = _joinValidator.Rejections.OfType<MeasurementMismatchException>().Should().ContainSingle(e => e.FailedIndices.Contains(15u)).Which;
        rejection.FailedIndices.Should().Equal(15u);
        rejection.Message.Should().Contain("index 15");

        // And its own bootstrapper does not even try: the node lock sees PCR 15 already extended.
        var node = await StartNodeAsync("foreign-node", swtpm);
        (await node.JoinClientCompletion.WaitAsync(Bound)).Should().BeFalse();
    }

    /// <summary>The join service's validator, recording each refusal so tests can assert the typed error the service saw.</summary>
    private sealed class RecordingValidator(IAttestationValidator inner) : IAttestationValidator
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<AttestationException> _rejections = new();

        public IReadOnlyCollection<AttestationException> Rejections => _rejections.ToArray();

        public AttestationVariant Variant => inner.Variant;

        public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ValidateAsync(document, nonce, cancellationToken);
            }
            catch (AttestationException ex)
            {
                _rejections.Enqueue(ex);
                throw;
            }
        }
    }
}
