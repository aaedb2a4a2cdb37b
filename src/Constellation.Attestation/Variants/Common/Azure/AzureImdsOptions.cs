using System;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>Options of <see cref="AzureImdsClient"/>. Immutable once built.</summary>
public sealed class AzureImdsOptions
{
    /// <summary>The Azure instance metadata service address.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://169.254.169.254/");

    /// <summary>Gets the IMDS base address (tests use a loopback server).</summary>
    public Uri BaseAddress { get; init; } = DefaultBaseAddress;

    /// <summary>Gets the timeout and retry policy.</summary>
    public CloudMetadataRetryOptions Retry { get; init; } = CloudMetadataRetryOptions.Default;
}
