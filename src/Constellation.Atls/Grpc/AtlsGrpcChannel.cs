using System;
using Constellation.Atls.Http;
using Grpc.Net.Client;

namespace Constellation.Atls.Grpc;

/// <summary>Creates gRPC channels whose every connection is an attested TLS connection (e.g. to init :9000 or join :30090).</summary>
public static class AtlsGrpcChannel
{
    /// <summary>Creates a channel.</summary>
    /// <param name="address">The server, as <c>https://host:port</c> or <c>host:port</c>.</param>
    /// <param name="options">The client's aTLS configuration.</param>
    /// <param name="channelOptions">Further channel options; its <see cref="GrpcChannelOptions.HttpHandler"/> must be unset.</param>
    /// <returns>The channel. Disposing it disposes the aTLS handler.</returns>
    public static GrpcChannel Create(string address, AtlsOptions options, GrpcChannelOptions? channelOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(options);
        channelOptions ??= new GrpcChannelOptions();
        if (channelOptions.HttpHandler is not null || channelOptions.HttpClient is not null)
        {
            throw new ArgumentException("the aTLS channel supplies its own HTTP handler", nameof(channelOptions));
        }

        channelOptions.HttpHandler = new AtlsHttpMessageHandler(options);
        channelOptions.DisposeHttpClient = true;
        var uri = address.Contains("://", StringComparison.Ordinal) ? new Uri(address) : new Uri("https://" + address);
        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"aTLS channels use https:// addresses, got {uri.Scheme}://", nameof(address));
        }

        return GrpcChannel.ForAddress(uri, channelOptions);
    }
}
