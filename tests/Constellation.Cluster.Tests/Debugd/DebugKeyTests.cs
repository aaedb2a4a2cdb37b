using System.Security.Cryptography;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Debugd;

namespace Constellation.Cluster.Tests.Debugd;

/// <summary>
/// debugd serves only the authorized debug key: a client presenting another key (or none) is cut off after the
/// handshake, before any call runs, and nothing is replaced.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DebugKeyTests
{
    [Test]
    public async Task A_client_with_another_key_is_refused_and_nothing_is_replaced()
    {
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intruder = node.Channel(new DummyValidator(), other, out var certificate);
        using var _ = certificate;
        var before = node.Host.Status;

        var deploy = () => DebugdClient.DeployAsync(intruder, new MemoryStream(DebugdNode.Bootstrapper("evil"))).WaitAsync(DebugdNode.Bound);
        var info = () => DebugdClient.GetStatusAsync(intruder).WaitAsync(DebugdNode.Bound);
        var logs = async () =>
        {
            await foreach (var line in DebugdClient.ReadLogsAsync(intruder, follow: false).WithCancellation(CancellationToken.None))
            {
                Assert.Fail($"an unauthorized client read the line \"{line.Text}\"");
            }
        };

        (await deploy.Should().ThrowAsync<DebugdException>()).Which.Status.Should().Be(Grpc.Core.StatusCode.Unavailable);
        await info.Should().ThrowAsync<DebugdException>();
        await logs.Should().ThrowAsync<DebugdException>();
        (await File.ReadAllBytesAsync(node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
        node.Host.Status.Should().BeEquivalentTo(before);
    }

    [Test]
    public async Task A_large_upload_under_another_key_fails_as_a_refused_call_not_as_a_transport_error_however_far_it_got()
    {
        // Many chunks, so the writes are still under way when the node cuts the connection off: the client must then
        // read the call's status instead of letting the transport's write error escape (grpc/grpc-dotnet#2638).
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var large = new byte[16 * 1024 * 1024];
        DebugdNode.Bootstrapper("evil").CopyTo(large, 0);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var intruder = node.Channel(new DummyValidator(), other, out var certificate);
            using var _ = certificate;
            var deploy = () => DebugdClient.DeployAsync(intruder, new MemoryStream(large)).WaitAsync(DebugdNode.Bound);

            (await deploy.Should().ThrowAsync<DebugdException>($"attempt {attempt}")).Which.Status.Should().BeOneOf(Grpc.Core.StatusCode.Unavailable, Grpc.Core.StatusCode.Internal);
        }

        (await File.ReadAllBytesAsync(node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
    }

    [Test]
    public async Task The_authorized_key_is_served()
    {
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var channel = node.Channel(new DummyValidator(), node.DeveloperKey, out var certificate);
        using var _ = certificate;

        var status = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdNode.Bound);

        status.ProcessId.Should().Be(node.Host.Status.ProcessId).And.NotBeNull();
        node.Host.AuthorizedKeyFingerprint.Should().Be(DebugKeyFingerprint.Of(node.DeveloperKey.ExportSubjectPublicKeyInfo()));
    }

    [Test]
    public async Task A_key_file_that_is_no_public_key_stops_the_start()
    {
        var start = () => DebugdHost.StartAsync(
            new DebugdOptions
            {
                Issuer = new DummyIssuer(),
                AuthorizedKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                BootstrapperPath = "/bin/true",
            },
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        (await start.Should().ThrowAsync<DebugdException>()).Which.Message.Should().Contain("PUBLIC KEY");
    }
}
