using System;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>Where the AMD Key Distribution Service lives.</summary>
public sealed class AmdKdsOptions
{
    /// <summary>AMD's public KDS.</summary>
    public static readonly Uri DefaultBaseUri = new("https://kdsintf.amd.com/");

    /// <summary>Gets the KDS base URI (must end with '/'). Default <see cref="DefaultBaseUri"/>.</summary>
    public Uri BaseUri { get; init; } = DefaultBaseUri;
}
