using System;
using Constellation.Atls;
using Constellation.Atls.AspNetCore;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Constellation.Cluster.Transport;

/// <summary>
/// Attested TLS on a gRPC endpoint: with an issuer the server attests itself (init server); with validators the clients
/// must attest (join service: no issuer, the cluster's validator).
/// </summary>
public sealed class AtlsServerTransport : IServerTransport
{
    private readonly AtlsOptions _options;

    /// <summary>Creates the transport.</summary>
    /// <param name="options">The server side's aTLS configuration.</param>
    public AtlsServerTransport(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Description =>
        _options.Validators.Count > 0
            ? $"aTLS (client attested: {string.Join(", ", System.Linq.Enumerable.Select(_options.Validators, v => v.Variant.Name))})"
            : $"aTLS (server attested: {_options.Issuer?.Variant.Name ?? "unattested"}{(_options.ClientCertificateValidator is { } clients ? $"; client certificate: {clients}" : "")})";

    /// <inheritdoc />
    public void Configure(ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http1AndHttp2;
        listenOptions.UseAtls(_options);
    }
}
