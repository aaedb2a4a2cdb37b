using System.Net;
using System.Security.Cryptography;
using System.Text;
using Constellation.Atls;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Constellation.Tests;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using KmsApi = Constellation.Cluster.Protos.Kms.API;
using KmsRequest = Constellation.Cluster.Protos.Kms.GetDataKeyRequest;

namespace Constellation.Cluster.Tests.Hardening.JoinService;

/// <summary>
/// Runs the join service and key service flows, good and bad, with every log line captured at Trace, then scans the
/// logs, every error message and the <c>ToString()</c> of the secret-holding objects for the master secret, the derived
/// disk keys, the measurement secret and the cluster CA's private key (hex and Base64 in all their spellings).
/// </summary>
[NonParallelizable]
public sealed class JoinAndKeyServiceSecretHygieneTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Secrets_never_appear_in_logs_error_messages_or_ToString_on_good_and_failing_paths(CancellationToken cancellationToken)
    {
        await using var stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out var logs), null, "hygiene-cp");
        var captured = new List<string>();
        var disks = new List<string>();
        var scanner = new SecretScanner()
            .Add("master secret", stack.Master.Key.Span)
            .Add("master secret salt", stack.Master.Salt.Span)
            .Add("measurement secret", DataKeys.MeasurementSecret(stack.Master))
            .Add("emergency SSH CA seed", DataKeys.EmergencySshCaSeed(stack.Master));

        // Good paths: a worker and a control plane join (the latter receives the cluster CA key).
        using (var channel = stack.JoinChannel())
        {
            var client = new API.APIClient(channel);
            foreach (var (name, controlPlane) in new[] { ("hygiene-worker", false), ("hygiene-cp", true) })
            {
                var request = Request(name, Guid.NewGuid().ToString(), controlPlane);
                var ticket = await client.IssueJoinTicketAsync(request, cancellationToken: cancellationToken);
                disks.Add(request.DiskUuid);
                scanner.Add($"disk key of {name}", ticket.StateDiskKey.Span);
                scanner.Add($"disk key of {name} (derived)", DataKeys.Disk(stack.Master, request.DiskUuid));
                scanner.Add($"bootstrap token secret of {name}", Encoding.ASCII.GetBytes(ticket.Token.Split('.')[1]));
                foreach (var file in ticket.ControlPlaneFiles.Where(f => f.Name.EndsWith(".key", StringComparison.Ordinal)))
                {
                    var pem = file.Data.ToStringUtf8();
                    scanner.Add($"cluster CA private key ({file.Name}, DER)", Pem.Der(pem));
                }
            }

            // Failing paths: a CSR for another node's name, a non-kubelet CSR, an empty disk UUID, a replay of a used name.
            captured.Add(await FailureAsync(() => client.IssueJoinTicketAsync(Request("hygiene-worker", Guid.NewGuid().ToString(), false), cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => client.IssueJoinTicketAsync(
                new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(Csr.For("CN=admin, O=system:masters")) },
                cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => client.IssueJoinTicketAsync(Request("hygiene-empty", string.Empty, false), cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => client.IssueJoinTicketAsync(
                new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(Encoding.ASCII.GetBytes("not a CSR")) },
                cancellationToken: cancellationToken).ResponseAsync));
        }

        // A client that presents no attestation ("wrong key": its certificate is not attested).
        using (var unattested = new AtlsGrpcChannelFactory(new AtlsOptions { AllowUnverifiedPeer = true }).CreateChannel(stack.JoinService.Address))
        {
            captured.Add(await FailureAsync(() => new API.APIClient(unattested).IssueJoinTicketAsync(Request("hygiene-unattested", Guid.NewGuid().ToString(), false), cancellationToken: cancellationToken).ResponseAsync));
        }

        // Key service: good and refused requests.
        using (var kms = stack.KeyService.JoinServiceChannel())
        {
            var keys = new KmsApi.APIClient(kms);
            var dataKey = await keys.GetDataKeyAsync(new KmsRequest { DataKeyId = Guid.NewGuid().ToString(), Length = 32 }, cancellationToken: cancellationToken);
            scanner.Add("data key hygiene-disk", dataKey.DataKey.Span);
            captured.Add(await FailureAsync(() => keys.GetDataKeyAsync(new KmsRequest { DataKeyId = string.Empty, Length = 32 }, cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => keys.GetDataKeyAsync(new KmsRequest { DataKeyId = "hygiene", Length = 0 }, cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => keys.GetDataKeyAsync(new KmsRequest { DataKeyId = "hygiene", Length = 1_000_000 }, cancellationToken: cancellationToken).ResponseAsync));
            captured.Add(await FailureAsync(() => keys.GetDataKeyAsync(new KmsRequest { DataKeyId = disks[0] + "x", Length = 32 }, cancellationToken: cancellationToken).ResponseAsync));
        }

        // Secret-holding objects and their parsers' errors.
        captured.Add(stack.Master.ToString());
        captured.Add(new MasterSecretDataKeyProvider(stack.Master).ToString()!);
        captured.Add(await FailureAsync(() => Task.FromResult(MasterSecret.ParseJson(Encoding.UTF8.GetBytes($"{{\"key\":\"{Convert.ToBase64String(stack.Master.Key.Span)}\",\"salt\":\"x\"}}")))));
        captured.Add(await FailureAsync(() => Task.FromResult(MasterSecret.ParseJson(Encoding.UTF8.GetBytes($"{{\"key\":\"{Convert.ToBase64String(stack.Master.Key.Span)}\" \"salt\"")))));
        captured.Add(await FailureAsync(() => Task.FromResult(MasterSecret.ParseKmsUri($"kms://cluster-kms?key={Convert.ToBase64String(stack.Master.Key.Span)}&salt=%%%"))));
        captured.Add(await FailureAsync(() => Task.FromResult(MasterSecret.ParseKmsUri($"kms://cluster-kms?key={Convert.ToHexString(stack.Master.Key.Span[..8])}"))));
        captured.Add(stack.Kubernetes.ToString()!);

        captured.Should().HaveCountGreaterThan(10);
        logs.Lines.Should().NotBeEmpty("the flows must have logged something for the scan to mean anything");
        var haystack = SecretScanner.Join(captured.Concat(logs.Lines));
        scanner.FindIn(haystack).Should().BeEmpty($"none of {scanner.SecretCount} secrets may appear in {logs.Lines.Count} log lines or {captured.Count} messages");
        haystack.Should().NotContain("PRIVATE KEY");
        foreach (var disk in disks)
        {
            // The disk UUID selects the disk key (to an attested node it is the disk's credential): logged as a fingerprint only.
            haystack.Should().NotContainEquivalentOf(disk);
        }
    }

    [Test]
    public async Task The_key_service_zeroes_the_derived_key_it_owns_once_the_response_is_built()
    {
        var provider = new RecordingProvider();
        using var ca = Constellation.Cluster.JoinService.Join.ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        await using var host = await SecuredKeyService.StartAsync(provider, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, ca);
        using var channel = host.JoinServiceChannel();

        var response = await new KmsApi.APIClient(channel).GetDataKeyAsync(new KmsRequest { DataKeyId = "measurementSecret", Length = 32 });

        response.DataKey.ToByteArray().Should().Equal(RecordingProvider.Expected, "the caller still gets the key");
        provider.Handed.Should().ContainSingle().Which.Should().OnlyContain(b => b == 0, "the service's own copy must be wiped");
    }

    private static IssueJoinTicketRequest Request(string nodeName, string diskUuid, bool controlPlane) => new()
    {
        DiskUuid = diskUuid,
        CertificateRequest = ByteString.CopyFrom(Csr.ForNode(nodeName, IPAddress.Loopback)),
        IsControlPlane = controlPlane,
    };

    /// <summary>Runs a call that must fail and returns everything its exception would show: message, detail and ToString.</summary>
    private static async Task<string> FailureAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            return $"{ex.Message}\n{ex.Status.Detail}\n{ex}";
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return $"{ex.Message}\n{ex}";
        }

        Assert.Fail("the call was expected to fail");
        return string.Empty;
    }

    private sealed class RecordingProvider : IDataKeyProvider
    {
        public static readonly byte[] Expected = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        public List<byte[]> Handed { get; } = [];

        public ValueTask<byte[]> GetDataKeyAsync(DataKeyId dataKeyId, int length, CancellationToken cancellationToken = default)
        {
            var key = (byte[])Expected.Clone();
            lock (Handed)
            {
                Handed.Add(key);
            }

            return ValueTask.FromResult(key);
        }
    }

    private static class Pem
    {
        public static byte[] Der(string pem)
        {
            PemEncoding.TryFind(pem, out var fields).Should().BeTrue();
            return Convert.FromBase64String(pem[fields.Base64Data]);
        }
    }
}
