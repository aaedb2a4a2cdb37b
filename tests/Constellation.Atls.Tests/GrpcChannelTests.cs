using Constellation.Atls.Grpc;
using Grpc.Core;

namespace Constellation.Atls.Tests;

public sealed class GrpcChannelTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> Unary = new(MethodType.Unary, "echo.Echo", "Unary", Bytes, Bytes);

    [Test]
    public async Task A_grpc_unary_call_over_an_atls_channel_reaches_a_kestrel_atls_server_in_mutual_mode()
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Mutual());
        using var channel = AtlsGrpcChannel.Create(host.Address.ToString(), Dummies.Mutual());
        var reply = await channel.CreateCallInvoker().AsyncUnaryCall(Unary, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), "ping"u8.ToArray());
        reply.Should().Equal("ping"u8.ToArray());
    }

    [Test]
    public async Task A_grpc_call_to_a_server_with_an_incompatible_attestation_fails_as_unavailable()
    {
        await using var host = await AtlsKestrelHost.StartAsync(new AtlsOptions { AllowUnverifiedPeer = true });
        using var channel = AtlsGrpcChannel.Create(host.Address.ToString(), Dummies.Validating());
        var act = async () => await channel.CreateCallInvoker().AsyncUnaryCall(Unary, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), "ping"u8.ToArray());
        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.Unavailable);
        error.Status.DebugException.Should().NotBeNull();
        error.Status.DebugException!.ToString().Should().Contain("got extension OIDs []");
    }
}
