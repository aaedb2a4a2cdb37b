using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Constellation.Tests.Swtpm;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>
/// A real <see cref="ClusterServicesHost"/> with the admin API, its join policy published ConfigMap-style and watched,
/// and two qemu-vtpm nodes on swtpm: the old build (whose measurements are the first policy; it also serves the admin
/// API) and the new build (PCR 9 extended, as a different kernel command line would).
/// </summary>
internal sealed class UpgradeableCluster : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    public const uint ChangedPcr = 9;
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _dir;

    private UpgradeableCluster(string dir)
    {
        _dir = dir;
        ConfigMap = new ConfigMapDirectory(Path.Combine(dir, "join-config"));
    }

    public ConfigMapDirectory ConfigMap { get; }

    public string PolicyFile => ConfigMap.PathOf(JoinServicePolicy.AttestationConfigFileName);

    public ClusterCertificateAuthority Ca { get; private set; } = null!;

    public Node Old { get; private set; } = null!;

    public Node New { get; private set; } = null!;

    public UpdateableAttestationValidator Policy { get; private set; } = null!;

    public ClusterServicesHost Host { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; private set; } = null!;

    public static AttestationVariantDefinition QemuVtpm => AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm);

    public static async Task<UpgradeableCluster> StartAsync()
    {
        var cluster = new UpgradeableCluster(Directory.CreateTempSubdirectory("admin-upgrade-").FullName);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client certificate (with key) signed by <paramref name="ca"/> (the cluster's by default) for <paramref name="subject"/>.</summary>
    public X509Certificate2 ClientCertificate(string subject, ClusterCertificateAuthority? ca = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).PublicKey;
        using var certificate = (ca ?? Ca).SignClientCertificate(new X500DistinguishedName(subject), publicKey, DateTimeOffset.UtcNow);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>The admin credential exactly as <c>init</c> writes it: read back from the admin kubeconfig.</summary>
    public X509Certificate2 AdminCredential() => Constellation.Cluster.ClusterServices.Admin.AdminCredential.FromKubeconfig(Host.Kubernetes.CreateAdminKubeconfig("constellation"));

    /// <summary>A channel to the admin API that validates the server with the current (old) policy and presents <paramref name="credential"/>.</summary>
    public GrpcChannel AdminChannel(X509Certificate2? credential) =>
        new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [QemuVtpmVariant.CreateValidator(Old.Measurements)], ClientCertificate = credential })
            .CreateChannel(Host.AdminServiceAddress!);

    /// <summary>Asks the join service for a join ticket as <paramref name="node"/>; false when the aTLS handshake refused it.</summary>
    public async Task<bool> TryJoinAsync(Node node, string name)
    {
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = node.Issuer, AllowUnverifiedPeer = true }).CreateChannel(Host.JoinServiceAddress);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN=system:node:{name}, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(csr) };
        try
        {
            var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(request, deadline: DateTime.UtcNow.Add(Bound));
            return ticket.KubeletCert.Length > 0;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
        {
            return false;
        }
    }

    /// <summary>Validates a fresh document of <paramref name="node"/> with the policy in effect (to see why a join is refused).</summary>
    public async Task ValidateAsync(Node node)
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var document = await node.Issuer.IssueAsync(new byte[32], nonce).AsTask().WaitAsync(Bound);
        await Policy.ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);
    }

    public async Task WaitForGenerationAsync(long generation)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (Policy.Current.Generation < generation)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        Old?.Issuer.Dispose();
        New?.Issuer.Dispose();
        Ca?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task InitializeAsync()
    {
        Ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var state = Path.Combine(_dir, "state");
        await ClusterServicesState.CreateAsync(state, MasterSecret.Generate(), Ca, "cp-0", StateDiskUuid.Parse(Guid.NewGuid().ToString()));
        Old = await StartNodeAsync(extendPcr: false);
        New = await StartNodeAsync(extendPcr: true);
        New.Measurements[ChangedPcr].Expected.Should().NotEqual(Old.Measurements[ChangedPcr].Expected, "the new build differs in PCR 9");

        await JoinServicePolicy.PublishAsync(ConfigMap, new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, Old.Measurements));
        Policy = await JoinServicePolicy.LoadValidatorAsync(
            PolicyFile, AttestationVariant.QemuVtpm, AttestationValidatorFactory.CreateDefault(),
            new UpdateableValidatorOptions { Debounce = TimeSpan.FromMilliseconds(20), PollInterval = TimeSpan.FromMilliseconds(200) }).WaitAsync(Bound);
        _owned.Add(Policy);

        var loggers = CapturingLoggerProvider.CreateFactory(out var logs);
        Logs = logs;
        var options = new ClusterServicesOptions
        {
            StateDirectory = state,
            ListenAddress = IPAddress.Loopback,
            JoinServicePort = 0,
            AdminServicePort = 0,
            MeasurementSalt = RandomNumberGenerator.GetBytes(32),
        };
        var admin = new AdminServiceOptions { Issuer = Old.Issuer, Variant = QemuVtpm, Publisher = new ConfigMapJoinPolicyPublisher(ConfigMap) };
        Host = await ClusterServicesHost.StartAsync(options, JoinServicePolicy.CreateTransport(Policy), admin, loggers, TimeProvider.System).WaitAsync(Bound);
        _owned.Add(Host);
    }

    private async Task<Node> StartNodeAsync(bool extendPcr)
    {
        var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        _owned.Add(swtpm);
        var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        _owned.Add(tpm);
        if (extendPcr)
        {
            await using var client = new TpmClient(await tpm.OpenAsync());
            await client.PcrExtendAsync((int)ChangedPcr, TpmAlgorithm.Sha256, SHA256.HashData(Encoding.ASCII.GetBytes("new kernel command line"))).AsTask().WaitAsync(Bound);
        }

        var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
        return new Node(issuer, await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound));
    }

    /// <summary>A joining node: its issuer and its PCR 0-15.</summary>
    public sealed record Node(VtpmIssuer Issuer, MeasurementSet Measurements);
}
