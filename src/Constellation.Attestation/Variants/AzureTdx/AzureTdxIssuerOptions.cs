using System;
using System.Net.Http;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>Options of the azure-tdx issuer. Immutable once built.</summary>
public sealed class AzureTdxIssuerOptions
{
    /// <summary>The Azure instance metadata service address.</summary>
    public static readonly Uri DefaultImdsBaseAddress = new("http://169.254.169.254/");

    /// <summary>Gets the IMDS base address; the quote is requested from <c>acc/tdquote</c> under it.</summary>
    public Uri ImdsBaseAddress { get; init; } = DefaultImdsBaseAddress;

    /// <summary>
    /// Gets the HTTP client used for IMDS. When <see langword="null"/> the issuer creates one that never uses a proxy
    /// (IMDS is link-local), as upstream does.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Gets how long one quote request may take (default 30 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
