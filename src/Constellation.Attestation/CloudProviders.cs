using System;
using System.Collections.Generic;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation;

/// <summary>
/// Parsing, formatting and variant defaults for <see cref="CloudProvider"/>, as Constellation does them.
/// </summary>
public static class CloudProviders
{
    /// <summary>
    /// Parses a provider string case-insensitively. <c>openstack</c> and <c>stackit</c> give
    /// <see cref="CloudProvider.OpenStack"/>; anything unrecognised gives <see cref="CloudProvider.Unknown"/>.
    /// </summary>
    /// <param name="value">The provider string, e.g. <c>AWS</c> or <c>gcp</c>.</param>
    /// <returns>The provider.</returns>
    public static CloudProvider Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "AWS" => CloudProvider.Aws,
        "AZURE" => CloudProvider.Azure,
        "GCP" => CloudProvider.Gcp,
        "OPENSTACK" or "STACKIT" => CloudProvider.OpenStack,
        "QEMU" => CloudProvider.Qemu,
        _ => CloudProvider.Unknown,
    };

    /// <summary>Formats the provider the way Constellation's JSON and YAML do (<c>AWS</c>, <c>Azure</c>, ...).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The canonical string.</returns>
    public static string ToConfigString(this CloudProvider provider) => provider switch
    {
        CloudProvider.Aws => "AWS",
        CloudProvider.Azure => "Azure",
        CloudProvider.Gcp => "GCP",
        CloudProvider.OpenStack => "OpenStack",
        CloudProvider.Qemu => "QEMU",
        _ => "Unknown",
    };

    /// <summary>Gets the variants of <see cref="AttestationVariantRegistry.Default"/> a provider allows, the default first.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The allowed variants; for <see cref="CloudProvider.Unknown"/> only <c>dummy</c>.</returns>
    public static IReadOnlyList<AttestationVariant> AllowedVariants(this CloudProvider provider) =>
        AttestationVariantRegistry.Default.AllowedVariants(provider);

    /// <summary>Gets the default variant of a provider (the first allowed one).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The default variant.</returns>
    public static AttestationVariant DefaultVariant(this CloudProvider provider) => AttestationVariantRegistry.Default.DefaultVariant(provider);
}
