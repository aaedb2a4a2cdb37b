using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.Protos.Kms;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.Cluster.Tests.Hardening.KeyService;

/// <summary>
/// Callers of a key service as an attacker would build them, and the one assertion that a call is refused. Shared by
/// the in-process key service tests and the cluster-services process tests (linked there).
/// </summary>
internal static class KeyServiceCallers
{
    /// <summary>Gets the request every test makes: the measurement secret, which every join ticket carries.</summary>
    public static GetDataKeyRequest MeasurementSecret => new() { DataKeyId = "measurementSecret", Length = 32 };

    /// <summary>A TLS client that presents <paramref name="clientCertificate"/> (or none) and accepts any server certificate.</summary>
    public static GrpcChannel AnyServerChannel(string endpoint, X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress(new Uri("https://" + endpoint), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
#pragma warning disable CA5359 // an attacker's client: what is tested is whether the server accepts it
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                },
            },
            DisposeHttpClient = true,
        });

    /// <summary>Asserts that a <c>GetDataKey</c> call over <paramref name="channel"/> fails before any key is handed out.</summary>
    public static async Task RefusedAsync(GrpcChannel channel, TimeSpan bound)
    {
        var call = async () => await new API.APIClient(channel).GetDataKeyAsync(MeasurementSecret, deadline: DateTime.UtcNow.Add(bound));

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().BeOneOf(StatusCode.Unavailable, StatusCode.Internal, StatusCode.Unauthenticated, StatusCode.PermissionDenied);
    }
}
