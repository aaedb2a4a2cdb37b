using System;

namespace Constellation.Attestation.Variants.Common.Metadata;

/// <summary>
/// A cloud metadata service (AWS IMDS, the GCE metadata server, Azure IMDS/THIM) or a certificate endpoint an issuer
/// asks could not answer: unreachable, timed out, refused, redirected, or answered with an error status. The message
/// names the endpoint and the status; it never contains a session token.
/// </summary>
public sealed class CloudMetadataException : CollateralUnavailableException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CloudMetadataException()
        : base("A cloud metadata service could not answer.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public CloudMetadataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public CloudMetadataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a request to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint asked (without query secrets).</param>
    /// <param name="statusCode">The HTTP status answered, or <see langword="null"/> when there was no answer.</param>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public CloudMetadataException(Uri endpoint, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
        StatusCode = statusCode;
    }

    /// <summary>Gets the endpoint that failed, when known.</summary>
    public Uri? Endpoint { get; }

    /// <summary>Gets the HTTP status the endpoint answered, or <see langword="null"/> when it did not answer.</summary>
    public int? StatusCode { get; }
}
