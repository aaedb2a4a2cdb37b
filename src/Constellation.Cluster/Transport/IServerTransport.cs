using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Constellation.Cluster.Transport;

/// <summary>
/// How a gRPC server endpoint is secured: plain HTTP/2 (key service, verification service, tests) or attested TLS
/// (init server: server-attested; join service: client-attested).
/// </summary>
public interface IServerTransport
{
    /// <summary>Gets a short description for logs, e.g. <c>plain h2c</c> or <c>aTLS (server attested, qemu-vtpm)</c>.</summary>
    string Description { get; }

    /// <summary>Configures one Kestrel endpoint (protocols, TLS).</summary>
    /// <param name="listenOptions">The endpoint.</param>
    void Configure(ListenOptions listenOptions);
}
