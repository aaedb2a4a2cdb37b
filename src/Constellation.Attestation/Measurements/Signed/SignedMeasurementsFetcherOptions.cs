using System;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>Settings of a <see cref="SignedMeasurementsFetcher"/>.</summary>
public sealed class SignedMeasurementsFetcherOptions
{
    /// <summary>Gets or sets the CDN root the image paths are resolved against. Default <c>https://cdn.confidential.cloud/</c>.</summary>
    public Uri BaseUri { get; set; } = new("https://cdn.confidential.cloud/");

    /// <summary>Gets or sets the largest file accepted, in bytes. Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1 << 20;
}
