using System.Net;
using Constellation.JoinService.Hosting;
using Constellation.JoinService.KeyService;
using Constellation.JoinService.Keys;
using Constellation.JoinService.Protos.Kms;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.JoinService.Tests;

public class KeyServiceTests
{
    private ServiceHost _host = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private MasterSecret _master = null!;
    private CapturingLoggerProvider _logs = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _master = MasterSecret.Generate();
        var loggers = CapturingLoggerProvider.CreateFactory(out _logs);
        _host = await ServiceHost.StartAsync(
            new IPEndPoint(IPAddress.Loopback, 0), PlainHttp2Transport.Instance, loggers,
            s => s.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(_master)),
            app => app.MapGrpcService<KeyServiceApi>());
        _channel = PlainGrpcChannelFactory.Instance.CreateChannel(_host.Address);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task GetDataKey_over_grpc_returns_the_hkdf_derivation_with_the_key_prefix()
    {
        var client = new API.APIClient(_channel);
        var response = await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = "measurementSecret", Length = 32 });

        response.DataKey.ToByteArray().Should().Equal(ClusterKeyDerivation.DeriveKey(_master.Key.Span, _master.Salt.Span, "key-measurementSecret", 32));
    }

    [Test]
    public async Task The_remote_client_agrees_with_the_local_derivation_for_odd_lengths()
    {
        var remote = new KeyServiceClient(_channel);
        (await remote.GetDataKeyAsync("disk", 17)).Should().Equal(ClusterKeyDerivation.DeriveDataKey(_master, "disk", 17));
    }

    [TestCase("", 32u, "no data key ID specified")]
    [TestCase("x", 0u, "can't derive key with length zero")]
    public async Task Invalid_requests_are_refused_with_constellations_messages(string id, uint length, string message)
    {
        var client = new API.APIClient(_channel);
        var call = async () => await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = id, Length = length });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Be(message);
    }

    [Test]
    public async Task Keys_and_the_master_secret_never_reach_the_log()
    {
        var client = new API.APIClient(_channel);
        var key = (await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = "secret-check", Length = 32 })).DataKey.ToByteArray();

        _logs.AllText.Should().Contain("secret-check");
        foreach (var secret in new[] { key, _master.Key.ToArray(), _master.Salt.ToArray() })
        {
            _logs.AllText.Should().NotContain(Convert.ToBase64String(secret)).And.NotContainEquivalentOf(Convert.ToHexString(secret));
        }
    }
}
