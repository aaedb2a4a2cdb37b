using System.Net;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests;

/// <summary>
/// A key service (mutual TLS with the cluster CA) and a join service (client-attested aTLS, dummy validator) on
/// loopback, wired as in a cluster.
/// </summary>
internal sealed class ServiceStack : IAsyncDisposable
{
    private readonly GrpcChannel _keyChannel;

    private ServiceStack(MasterSecret master, SecuredKeyService keyService, ServiceHost joinService, GrpcChannel keyChannel, LocalKubernetesOperations kubernetes, byte[] salt)
    {
        Master = master;
        KeyService = keyService;
        JoinService = joinService;
        _keyChannel = keyChannel;
        Kubernetes = kubernetes;
        MeasurementSalt = salt;
    }

    public MasterSecret Master { get; }

    public SecuredKeyService KeyService { get; }

    public ServiceHost JoinService { get; }

    public LocalKubernetesOperations Kubernetes { get; }

    public byte[] MeasurementSalt { get; }

    public static AtlsOptions DummyClientOptions { get; } = new() { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true };

    /// <summary>Starts the stack.</summary>
    /// <param name="loggers">Where the services log.</param>
    /// <param name="joinTransport">The join service's transport; client-attested aTLS with the dummy validator by default.</param>
    /// <param name="controlPlaneNodes">The node names the join service admits as control planes.</param>
    public static async Task<ServiceStack> StartAsync(ILoggerFactory loggers, IServerTransport? joinTransport = null, params string[] controlPlaneNodes)
    {
        var master = MasterSecret.Generate();
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var kubernetes = new LocalKubernetesOperations(ca, "127.0.0.1:6443", TimeProvider.System);
        var keyService = await SecuredKeyService.StartAsync(new MasterSecretDataKeyProvider(master), loggers, ca);
        var keyChannel = keyService.JoinServiceChannel();
        var options = new JoinServiceOptions { MeasurementSalt = salt };
        foreach (var name in controlPlaneNodes)
        {
            options.ControlPlaneNodeNames.Add(name);
        }

        var joinService = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0),
            joinTransport ?? new AtlsServerTransport(new AtlsOptions { Validators = [new DummyValidator()] }),
            loggers,
            s =>
            {
                s.AddSingleton<IDataKeyProvider>(new KeyServiceClient(keyChannel));
                s.AddSingleton<IKubernetesOperations>(kubernetes);
                s.AddSingleton<INodeNameRegistry>(new NodeNameRegistry());
                s.AddSingleton(options);
                s.AddSingleton<JoinTicketIssuer>();
            },
            app => app.MapGrpcService<JoinServiceApi>());
        return new ServiceStack(master, keyService, joinService, keyChannel, kubernetes, salt);
    }

    public GrpcChannel JoinChannel() => new AtlsGrpcChannelFactory(DummyClientOptions).CreateChannel(JoinService.Address);

    public async ValueTask DisposeAsync()
    {
        await JoinService.DisposeAsync();
        _keyChannel.Dispose();
        await KeyService.DisposeAsync();
        Kubernetes.Dispose();
    }
}
