using System.Net;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Kms;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Cluster.Tests.KeyService;

public class KeyServiceTests
{
    private ClusterCertificateAuthority _ca = null!;
    private SecuredKeyService _host = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private MasterSecret _master = null!;
    private CapturingLoggerProvider _logs = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _master = MasterSecret.Generate();
        var loggers = CapturingLoggerProvider.CreateFactory(out _logs);
        _ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        _host = await SecuredKeyService.StartAsync(new MasterSecretDataKeyProvider(_master), loggers, _ca);
        _channel = _host.JoinServiceChannel();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        _ca.Dispose();
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
        var disk = Guid.NewGuid().ToString();
        (await remote.GetDataKeyAsync(DataKeyId.StateDisk(StateDiskUuid.Parse(disk)), 17)).Should().Equal(DataKeys.Disk(_master, disk, 17));
    }

    [TestCase("key-measurementSecret")]
    [TestCase("clusterID")]
    [TestCase("disk")]
    [TestCase("MeasurementSecret")]
    [TestCase("ca_emergency_ssh ")]
    [TestCase("../measurementSecret")]
    [TestCase("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47-")]
    public async Task An_id_outside_the_three_key_namespaces_is_refused_with_no_key_material(string id)
    {
        var client = new API.APIClient(_channel);

        var call = async () => await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = id, Length = 32 });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("data_key_id");
    }

    [Test]
    public async Task An_upper_case_disk_uuid_is_the_same_key_as_its_lower_case_form()
    {
        var client = new API.APIClient(_channel);
        var disk = Guid.NewGuid().ToString();

        var upper = await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = disk.ToUpperInvariant(), Length = 32 });

        upper.DataKey.ToByteArray().Should().Equal(DataKeys.Disk(_master, disk));
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
        var disk = StateDiskUuid.Parse(Guid.NewGuid().ToString());
        var key = (await client.GetDataKeyAsync(new GetDataKeyRequest { DataKeyId = disk.Value, Length = 32 })).DataKey.ToByteArray();

        _logs.AllText.Should().Contain(disk.Fingerprint, "the log names the disk by its fingerprint");
        _logs.AllText.Should().NotContainEquivalentOf(disk.Value, "the disk UUID selects the key: it is never logged");
        foreach (var secret in new[] { key, _master.Key.ToArray(), _master.Salt.ToArray() })
        {
            _logs.AllText.Should().NotContain(Convert.ToBase64String(secret)).And.NotContainEquivalentOf(Convert.ToHexString(secret));
        }
    }
}
