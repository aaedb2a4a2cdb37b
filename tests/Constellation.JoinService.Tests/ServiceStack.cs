using System.Net;
using Constellation.Atls;
using Constellation.Attestation.Dummy;
using Constellation.JoinService.Hosting;
using Constellation.JoinService.Join;
using Constellation.JoinService.KeyService;
using Constellation.JoinService.Keys;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.JoinService.Tests;

/// <summary>A key service and a join service (client-attested aTLS, dummy validator) on loopback, wired as in a cluster.</summary>
internal sealed class ServiceStack : IAsyncDisposable
{
    private readonly GrpcChannel _keyChannel;

    private ServiceStack(MasterSecret master, ServiceHost keyService, ServiceHost joinService, GrpcChannel keyChannel, LocalKubernetesOperations kubernetes, byte[] salt)
    {
        Master = master;
        KeyService = keyService;
        JoinService = joinService;
        _keyChannel = keyChannel;
        Kubernetes = kubernetes;
        MeasurementSalt = salt;
    }

    public MasterSecret Master { get; }

    public ServiceHost KeyService { get; }

    public ServiceHost JoinService { get; }

    public LocalKubernetesOperations Kubernetes { get; }

    public byte[] MeasurementSalt { get; }

    public static AtlsOptions DummyClientOptions { get; } = new() { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true };

    public static async Task<ServiceStack> StartAsync(ILoggerFactory loggers, IServerTransport? joinTransport = null)
    {
        var master = MasterSecret.Generate();
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var keyService = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), PlainHttp2Transport.Instance, loggers,
            s => s.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(master)),
            app => app.MapGrpcService<KeyServiceApi>());
        var keyChannel = PlainGrpcChannelFactory.Instance.CreateChannel(keyService.Address);
        var kubernetes = new LocalKubernetesOperations(ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow), "127.0.0.1:6443", TimeProvider.System);
        var joinService = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0),
            joinTransport ?? new AtlsServerTransport(new AtlsOptions { Validators = [new DummyValidator()] }),
            loggers,
            s =>
            {
                s.AddSingleton<IDataKeyProvider>(new KeyServiceClient(keyChannel));
                s.AddSingleton<IKubernetesOperations>(kubernetes);
                s.AddSingleton(new NodeNameRegistry());
                s.AddSingleton(new JoinServiceOptions { MeasurementSalt = salt });
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
