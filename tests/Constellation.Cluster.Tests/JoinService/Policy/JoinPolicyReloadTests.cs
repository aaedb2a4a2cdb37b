using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Constellation.Tests.Swtpm;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.JoinService.Policy;

/// <summary>
/// The join service admits nodes by the policy file on disk (ConfigMap-style <c>attestationConfig</c>) through the
/// updateable validator: swapping the file changes who can join on the next handshake, without a restart.
/// </summary>
public class JoinPolicyReloadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };

    [Test]
    public async Task A_policy_swap_on_disk_refuses_the_next_join_and_swapping_back_admits_again()
    {
        var dir = Directory.CreateTempSubdirectory("join-policy-").FullName;
        try
        {
            await using var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
            await using var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
            using var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
            var good = await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);
            var bad = good.With(4, new Measurement(Enumerable.Repeat((byte)0x44, 32).ToArray(), false));

            var configMap = new ConfigMapDirectory(Path.Combine(dir, "join-config"));
            await PublishAsync(configMap, good);
            await using var policy = await JoinServicePolicy.LoadValidatorAsync(
                configMap.PathOf(JoinServicePolicy.AttestationConfigFileName), AttestationVariant.QemuVtpm,
                AttestationValidatorFactory.CreateDefault(),
                new UpdateableValidatorOptions { Debounce = TimeSpan.FromMilliseconds(20), PollInterval = null },
                NullLogger.Instance).WaitAsync(Bound);
            await using var stack = await ServiceStack.StartAsync(NullLoggerFactory.Instance, JoinServicePolicy.CreateTransport(policy));

            (await JoinAsync(stack, issuer, "worker-1")).KubeletCert.Should().NotBeEmpty();

            await PublishAsync(configMap, bad);
            await WaitForGenerationAsync(policy, 2);
            var refused = async () => await JoinAsync(stack, issuer, "worker-2");
            await refused.Should().ThrowAsync<RpcException>();
            var why = async () => await ValidateAsync(policy, issuer);
            (await why.Should().ThrowAsync<MeasurementMismatchException>()).Which.FailedIndices.Should().Equal(4u);

            await PublishAsync(configMap, good);
            await WaitForGenerationAsync(policy, 3);
            (await JoinAsync(stack, issuer, "worker-3")).KubeletCert.Should().NotBeEmpty();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task A_join_service_does_not_start_without_a_readable_policy()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-policy-" + Guid.NewGuid().ToString("N"), JoinServicePolicy.AttestationConfigFileName);

        var load = async () => await JoinServicePolicy.LoadValidatorAsync(missing, AttestationVariant.QemuVtpm, AttestationValidatorFactory.CreateDefault());

        (await load.Should().ThrowAsync<AttestationFormatException>()).Which.Message.Should().Contain(missing);
    }

    private static async Task ValidateAsync(IAttestationValidator validator, VtpmIssuer issuer)
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var document = await issuer.IssueAsync(new byte[32], nonce).AsTask().WaitAsync(Bound);
        await validator.ValidateAsync(document, nonce).AsTask().WaitAsync(Bound);
    }

    private static Task PublishAsync(ConfigMapDirectory configMap, MeasurementSet measurements) =>
        JoinServicePolicy.PublishAsync(configMap, new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, measurements));

    private static async Task WaitForGenerationAsync(UpdateableAttestationValidator policy, long generation)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (policy.Current.Generation < generation)
        {
            await Task.Delay(20, timeout.Token);
        }

        policy.Current.Generation.Should().Be(generation);
    }

    private static async Task<IssueJoinTicketResponse> JoinAsync(ServiceStack stack, VtpmIssuer issuer, string name)
    {
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = issuer, AllowUnverifiedPeer = true }).CreateChannel(stack.JoinService.Address);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN=system:node:{name}, O=system:nodes", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(csr) };
        return await new API.APIClient(channel).IssueJoinTicketAsync(request, deadline: DateTime.UtcNow.Add(Bound));
    }
}
