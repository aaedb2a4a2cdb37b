using System;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Constellation.Cluster.Transport;

/// <summary>Plain HTTP/2 with prior knowledge (h2c), as Constellation's key and verification services use; no authentication.</summary>
public sealed class PlainHttp2Transport : IServerTransport
{
    /// <summary>Gets the shared instance.</summary>
    public static PlainHttp2Transport Instance { get; } = new();

    /// <inheritdoc />
    public string Description => "plain h2c";

    /// <inheritdoc />
    public void Configure(ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http2;
    }
}
