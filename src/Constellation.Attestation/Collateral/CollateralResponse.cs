using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Collateral;

/// <summary>A successful collateral download: the body and the response headers.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CollateralResponse
{
    /// <summary>Creates a response.</summary>
    /// <param name="requestUri">The URI that was fetched.</param>
    /// <param name="content">The body (copied).</param>
    /// <param name="headers">Response and content headers; multiple values joined with <c>", "</c>. Names compare case-insensitively.</param>
    public CollateralResponse(Uri requestUri, ReadOnlySpan<byte> content, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentNullException.ThrowIfNull(headers);
        RequestUri = requestUri;
        Content = content.ToArray();
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            copy[name] = value;
        }

        Headers = copy;
    }

    /// <summary>Gets the URI that was fetched.</summary>
    public Uri RequestUri { get; }

    /// <summary>Gets the body.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Gets the response and content headers (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
}
