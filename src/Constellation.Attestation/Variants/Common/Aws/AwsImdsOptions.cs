using System;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Aws;

/// <summary>Options of <see cref="AwsImdsClient"/>. Immutable once built.</summary>
public sealed class AwsImdsOptions
{
    /// <summary>The EC2 instance metadata service address.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://169.254.169.254/");

    /// <summary>Gets the IMDS base address (tests use a loopback server).</summary>
    public Uri BaseAddress { get; init; } = DefaultBaseAddress;

    /// <summary>
    /// Gets the lifetime asked for an IMDSv2 session token (default 60 s; one token serves one issue). IMDS accepts
    /// 1 s to 6 h. The token's hop limit is the instance's setting (<c>HttpPutResponseHopLimit</c>): keep it at 1 so
    /// no container behind another hop can obtain a token.
    /// </summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the timeout and retry policy.</summary>
    public CloudMetadataRetryOptions Retry { get; init; } = CloudMetadataRetryOptions.Default;
}
