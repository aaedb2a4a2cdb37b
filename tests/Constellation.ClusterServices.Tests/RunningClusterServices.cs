using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Constellation.Tests.Daemons;
using Constellation.Tests.Swtpm;
using Google.Protobuf;

namespace Constellation.ClusterServices.Tests;

/// <summary>
/// A <c>constellation-cluster-services</c> process (the build output, run with <c>dotnet</c>) over state created as an
/// init node creates it (master secret, cluster CA, registry), with a qemu-vtpm join policy published ConfigMap-style,
/// on a loopback address of its own; and a joining node made of a swtpm and the library's qemu-vtpm issuer.
/// </summary>
internal sealed class RunningClusterServices : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };

    private RunningClusterServices(string dir, ClusterCertificateAuthority ca, SwtpmProcess swtpm, SharedTpmConnection tpm, VtpmIssuer issuer, MeasurementSet fresh)
    {
        Dir = dir;
        Ca = ca;
        Swtpm = swtpm;
        Tpm = tpm;
        Issuer = issuer;
        Fresh = fresh;
        ConfigMap = new ConfigMapDirectory(Path.Combine(dir, "join-config"));
    }

    public string Dir { get; }

    public string StateDirectory => Path.Combine(Dir, "state");

    public ClusterCertificateAuthority Ca { get; }

    public ConfigMapDirectory ConfigMap { get; }

    public SwtpmProcess Swtpm { get; }

    public SharedTpmConnection Tpm { get; }

    /// <summary>Gets the joining node's issuer.</summary>
    public VtpmIssuer Issuer { get; }

    /// <summary>Gets the joining node's measurements (PCR 0 to 15 of its fresh swtpm).</summary>
    public MeasurementSet Fresh { get; }

    /// <summary>Gets a policy the joining node does not meet (PCR 4 differs).</summary>
    public MeasurementSet Other => Fresh.With(4, new Measurement(Enumerable.Repeat((byte)0x44, 32).ToArray(), warnOnly: false));

    public DaemonProcess Daemon { get; private set; } = null!;

    public string Address { get; private set; } = string.Empty;

    public JsonElement Status { get; private set; }

    public string JoinEndpoint => Status.GetProperty("joinEndpoint").GetString()!;

    public string KeyServiceEndpoint => Status.GetProperty("keyServiceEndpoint").GetString()!;

    /// <param name="address">The join service's address (127.0.x.y, distinct per fixture).</param>
    public static async Task<RunningClusterServices> StartAsync(string address)
    {
        var dir = Directory.CreateTempSubdirectory("cluster-services-").FullName;
        var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        await ClusterServicesState.CreateAsync(Path.Combine(dir, "state"), MasterSecret.Generate(), ca, "node-0", StateDiskUuid.Parse(Guid.NewGuid().ToString()));
        var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
        var fresh = await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);
        var services = new RunningClusterServices(dir, ca, swtpm, tpm, issuer, fresh);
        await services.PublishAsync(fresh);
        services.Address = address;
        services.Daemon = DaemonProcess.Start(ClusterServicesDll, [
            "--variant", "qemu-vtpm", "--state-directory", services.StateDirectory, "--listen-address", address,
            "--attestation-config", services.ConfigMap.PathOf(JoinServicePolicy.AttestationConfigFileName),
            "--measurement-salt", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "--policy-poll-seconds", "0.2",
            "--control-plane-node-names", "node-1"]);
        services.Status = await services.Daemon.WaitForJsonAsync(
            Path.Combine(services.StateDirectory, "status.json"), s => s.GetProperty("pid").GetInt32() == services.Daemon.Id, Bound, "serving");
        return services;
    }

    public static string ClusterServicesDll => DaemonProcess.BuiltAssembly("Constellation.ClusterServices", "constellation-cluster-services");

    /// <summary>Publishes a join policy the way the kubelet updates a mounted ConfigMap.</summary>
    public Task PublishAsync(MeasurementSet measurements) =>
        JoinServicePolicy.PublishAsync(ConfigMap, new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, measurements));

    /// <summary>Writes a policy file that is not one (as a careless update would).</summary>
    public Task PublishGarbageAsync() =>
        ConfigMap.WriteAsync(new Dictionary<string, byte[]> { [JoinServicePolicy.AttestationConfigFileName] = """{"measurements": "all of them"}"""u8.ToArray() });

    /// <summary>Asks the join service for a join ticket as the swtpm node; true when admitted, false when the aTLS handshake refused it.</summary>
    public async Task<bool> TryJoinAsync(string name)
    {
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = Issuer, AllowUnverifiedPeer = true }).CreateChannel(JoinEndpoint);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN=system:node:{name}, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(csr) };
        try
        {
            var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(request, deadline: DateTime.UtcNow.Add(Bound));
            return ticket.KubeletCert.Length > 0;
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Internal)
        {
            return false;
        }
    }

    /// <summary>Waits until <see cref="TryJoinAsync"/> gives <paramref name="admitted"/> (the watcher applies a change within its poll).</summary>
    public async Task<bool> WaitUntilJoinIsAsync(bool admitted, string name)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var attempt = 0;
        while (clock.Elapsed < Bound)
        {
            if (await TryJoinAsync($"{name}-{attempt++}") == admitted)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    /// <summary>Waits for a log line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            if (Daemon.ErrorLines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no log line with \"{text}\" within {Bound}; the log:\n{Daemon.Log}");
    }

    public X509Certificate2 CaCertificate() => Ca.Certificate;

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        Issuer.Dispose();
        await Tpm.DisposeAsync();
        await Swtpm.DisposeAsync();
        Ca.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
