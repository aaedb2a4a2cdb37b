using System;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>What to fetch: the image, CSP and variant, and optionally explicit URLs and key.</summary>
public sealed class SignedMeasurementsRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="image">The image version the file must be for.</param>
    /// <param name="csp">The provider whose entry is used.</param>
    /// <param name="variant">The variant whose entry is used.</param>
    public SignedMeasurementsRequest(ImageVersion image, CloudProvider csp, AttestationVariant variant)
    {
        Image = image ?? throw new ArgumentNullException(nameof(image));
        Csp = csp;
        Variant = variant ?? throw new ArgumentNullException(nameof(variant));
    }

    /// <summary>Gets the image version.</summary>
    public ImageVersion Image { get; }

    /// <summary>Gets the provider.</summary>
    public CloudProvider Csp { get; }

    /// <summary>Gets the variant.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets or sets the measurements URL; <see langword="null"/> for the image's path below the fetcher's base URL.</summary>
    public Uri? MeasurementsUri { get; set; }

    /// <summary>Gets or sets the signature URL; <see langword="null"/> for the measurements URL with <c>.sig</c> appended.</summary>
    public Uri? SignatureUri { get; set; }

    /// <summary>Gets or sets the key to verify with; <see langword="null"/> for the built-in key of the image (<see cref="MeasurementsPublicKey.ForImage"/>).</summary>
    public MeasurementsPublicKey? PublicKey { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the signature check is skipped (<c>--insecure</c>). The file's fields are
    /// still checked. Anyone who can alter the download then decides which nodes are trusted.
    /// </summary>
    public bool SkipSignatureCheck { get; set; }
}
