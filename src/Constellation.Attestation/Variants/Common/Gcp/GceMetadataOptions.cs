using System;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>Options of <see cref="GceMetadataClient"/>. Immutable once built.</summary>
public sealed class GceMetadataOptions
{
    /// <summary>The GCE metadata server address (<c>metadata.google.internal</c> resolves to it).</summary>
    public static readonly Uri DefaultBaseAddress = new("http://169.254.169.254/");

    /// <summary>Gets the metadata server base address; paths are under <c>computeMetadata/v1/</c> (tests use a loopback server).</summary>
    public Uri BaseAddress { get; init; } = DefaultBaseAddress;

    /// <summary>Gets the timeout and retry policy.</summary>
    public CloudMetadataRetryOptions Retry { get; init; } = CloudMetadataRetryOptions.Default;
}
