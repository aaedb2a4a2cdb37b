using System.Security.Cryptography;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Debugd;
using Constellation.Cluster.Protos.Debugd;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.Debugd;

/// <summary>
/// An upload that is not exactly what its header announced — other bytes, fewer, more, or more than the cap — is
/// refused naming what differed, and the running bootstrapper is neither replaced nor restarted.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class UploadRefusalTests
{
    private const long Cap = 64 * 1024;
    private DebugdNode _node = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private IDisposable _certificate = null!;
    private DebugdStatus _before = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _node = await DebugdNode.StartAsync(new DummyIssuer(), maxUploadBytes: Cap);
        _channel = _node.Channel(new DummyValidator(), _node.DeveloperKey, out _certificate);
        _before = await DebugdClient.GetStatusAsync(_channel).WaitAsync(DebugdNode.Bound);
    }

    [TearDown]
    public async Task StopAsync()
    {
        _channel.Dispose();
        _certificate.Dispose();
        await _node.DisposeAsync();
    }

    [Test]
    public async Task Bytes_that_do_not_hash_to_the_announced_sha256_are_refused()
    {
        var v2 = DebugdNode.Bootstrapper("v2");

        var error = await UploadAsync((ulong)v2.Length, SHA256.HashData(DebugdNode.Bootstrapper("v3")), v2);

        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("sha256").And.Contain(Convert.ToHexStringLower(SHA256.HashData(v2)));
        await TheOldBootstrapperShouldStillRunAsync();
    }

    [Test]
    public async Task A_truncated_upload_is_refused_naming_both_sizes()
    {
        var v2 = DebugdNode.Bootstrapper("v2");

        var error = await UploadAsync((ulong)v2.Length, SHA256.HashData(v2), v2[..10]);

        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("truncated").And.Contain($"expected {v2.Length} bytes, got 10");
        await TheOldBootstrapperShouldStillRunAsync();
    }

    [Test]
    public async Task More_bytes_than_announced_are_refused()
    {
        var v2 = DebugdNode.Bootstrapper("v2");

        var error = await UploadAsync(10, SHA256.HashData(v2[..10]), v2);

        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("expected 10 bytes as announced");
        await TheOldBootstrapperShouldStillRunAsync();
    }

    [Test]
    public async Task An_upload_announced_over_the_cap_is_refused_from_its_header()
    {
        var error = await UploadAsync(Cap + 1, new byte[32], []);

        error.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        error.Status.Detail.Should().Contain($"at most {Cap} bytes").And.Contain($"{Cap + 1}");
        await TheOldBootstrapperShouldStillRunAsync();
    }

    [Test]
    public async Task An_oversize_executable_is_refused_through_the_client()
    {
        var big = new byte[Cap + 1];

        var deploy = () => DebugdClient.DeployAsync(_channel, new MemoryStream(big)).WaitAsync(DebugdNode.Bound);

        (await deploy.Should().ThrowAsync<DebugdException>()).Which.Status.Should().Be(StatusCode.ResourceExhausted);
        await TheOldBootstrapperShouldStillRunAsync();
    }

    private async Task<RpcException> UploadAsync(ulong size, byte[] sha256, byte[] content)
    {
        using var call = new DebugdAPI.DebugdAPIClient(_channel).Deploy();
        try
        {
            await call.RequestStream.WriteAsync(new DeployRequest { Header = new DeployHeader { Size = size, Sha256 = ByteString.CopyFrom(sha256) } });
            if (content.Length > 0)
            {
                await call.RequestStream.WriteAsync(new DeployRequest { Chunk = ByteString.CopyFrom(content) });
            }

            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync.WaitAsync(DebugdNode.Bound);
        }
        catch (RpcException ex)
        {
            return ex.StatusCode == StatusCode.Unknown || ex.StatusCode == StatusCode.Cancelled ? await ResponseErrorAsync(call) : ex;
        }

        throw new AssertionException("the upload was accepted");
    }

    // A refusal from the header may end the call while the client still writes; the response carries the status.
    private static async Task<RpcException> ResponseErrorAsync(AsyncClientStreamingCall<DeployRequest, DeployResponse> call)
    {
        try
        {
            await call.ResponseAsync.WaitAsync(DebugdNode.Bound);
        }
        catch (RpcException ex)
        {
            return ex;
        }

        throw new AssertionException("the upload was accepted");
    }

    private async Task TheOldBootstrapperShouldStillRunAsync()
    {
        (await File.ReadAllBytesAsync(_node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
        var after = await DebugdClient.GetStatusAsync(_channel).WaitAsync(DebugdNode.Bound);
        after.Should().BeEquivalentTo(_before, "the running bootstrapper is neither replaced nor restarted");
        Directory.GetFiles(Path.GetDirectoryName(_node.BootstrapperPath)!).Should().Equal([_node.BootstrapperPath], "the staging file is deleted");
    }
}
