using System.Net;
using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Tests.Swtpm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cli.Tests.Upgrade;

/// <summary>
/// Cluster services with the admin API in this process (a qemu-vtpm node on its own swtpm serves it), the join policy
/// in a ConfigMap directory, and a workspace as <c>init</c> leaves it: the configuration with the node's measurements
/// and the admin kubeconfig; plus a signing key and a signed measurements file for the same image.
/// </summary>
internal sealed class AdminServices : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    public const string NewPcr9 = "9999999999999999999999999999999999999999999999999999999999999999";
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };
    private readonly List<IAsyncDisposable> _owned = [];

    private AdminServices(string directory) => Directory = directory;

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "constellation-conf.yaml");

    public string KubeconfigPath => Path.Combine(Directory, "constellation-admin.conf");

    public string MeasurementsPath => Path.Combine(Directory, "measurements.json");

    public ConfigMapDirectory ConfigMap => new(Path.Combine(Directory, "join-config"));

    public string PolicyFile => ConfigMap.PathOf(JoinServicePolicy.AttestationConfigFileName);

    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public MeasurementSet Current { get; private set; } = null!;

    public ClusterServicesHost Host { get; private set; } = null!;

    public string AdminEndpoint => Host.AdminServiceAddress!;

    public static async Task<AdminServices> StartAsync()
    {
        var services = new AdminServices(System.IO.Directory.CreateTempSubdirectory("cli-upgrade-").FullName);
        try
        {
            await services.InitializeAsync();
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>A measurements file for the configured image, csp and variant with PCR 9 replaced.</summary>
    public static byte[] MeasurementsFile() => Encoding.UTF8.GetBytes(
        "{\"version\":\"v2.23.0\",\"ref\":\"-\",\"stream\":\"stable\",\"list\":[{\"csp\":\"QEMU\",\"attestationVariant\":\"qemu-vtpm\","
        + "\"measurements\":{\"9\":{\"expected\":\"" + NewPcr9 + "\",\"warnOnly\":false}}}]}");

    public byte[] Sign(byte[] data) => Encoding.ASCII.GetBytes(Convert.ToBase64String(SigningKey.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    public AttestationConfig PublishedPolicy() =>
        AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, File.ReadAllBytes(PolicyFile));

    public MeasurementSet ConfiguredMeasurements() =>
        ConstellationConfigFile.Parse(File.ReadAllText(ConfigPath)).Attestation.Measurements;

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().AsTask().WaitAsync(Bound);
        }

        SigningKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task InitializeAsync()
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var state = Path.Combine(Directory, "state");
        await ClusterServicesState.CreateAsync(state, MasterSecret.Generate(), ca, "cp-0", StateDiskUuid.Parse(Guid.NewGuid().ToString()));

        var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        _owned.Add(swtpm);
        var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        _owned.Add(tpm);
        var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
        _owned.Add(new DisposeAction(issuer.Dispose));
        Current = await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);
        await JoinServicePolicy.PublishAsync(ConfigMap, new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, Current));

        var options = new ClusterServicesOptions
        {
            StateDirectory = state,
            ListenAddress = IPAddress.Loopback,
            JoinServicePort = 0,
            AdminServicePort = 0,
            MeasurementSalt = RandomNumberGenerator.GetBytes(32),
        };
        var admin = new AdminServiceOptions
        {
            Issuer = issuer,
            Variant = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm),
            Publisher = new ConfigMapJoinPolicyPublisher(ConfigMap),
        };
        Host = await ClusterServicesHost.StartAsync(
            options, JoinServicePolicy.CreateTransport(QemuVtpmVariant.CreateValidator(Current)), admin, NullLoggerFactory.Instance, TimeProvider.System).WaitAsync(Bound);
        _owned.Add(Host);

        await File.WriteAllTextAsync(ConfigPath, ConstellationConfigFile.WithMeasurements(ConstellationConfigFile.Generate(CloudProvider.Qemu, image: "v2.23.0"), Current));
        await File.WriteAllBytesAsync(KubeconfigPath, Host.Kubernetes.CreateAdminKubeconfig("constellation"));
        var file = MeasurementsFile();
        await File.WriteAllBytesAsync(MeasurementsPath, file);
        await File.WriteAllBytesAsync(MeasurementsPath + ".sig", Sign(file));
    }

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
