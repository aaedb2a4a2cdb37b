using System;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Constellation.Cluster.Transport;

/// <summary>Plain HTTP/1.1, for the verification service's HTTP endpoint.</summary>
public sealed class PlainHttp1Transport : IServerTransport
{
    /// <summary>Gets the shared instance.</summary>
    public static PlainHttp1Transport Instance { get; } = new();

    /// <inheritdoc />
    public string Description => "plain HTTP/1.1";

    /// <inheritdoc />
    public void Configure(ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http1;
    }
}
