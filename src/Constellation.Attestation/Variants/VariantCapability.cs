using System;

namespace Constellation.Attestation.Variants;

/// <summary>
/// Whether a variant's validator or issuer can be built in an environment, and if not, why: the service that is missing
/// (e.g. <c>gcp-sev-es validation needs an IGceShieldedIdentityClient</c>) or what the library lacks.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed class VariantCapability
{
    private VariantCapability(bool isAvailable, string? reason, string? missingService, bool isSupported = true)
    {
        IsAvailable = isAvailable;
        IsSupported = isSupported;
        Reason = reason;
        MissingService = missingService;
    }

    /// <summary>Gets the capability of an operation that can be performed.</summary>
    public static VariantCapability Available { get; } = new(true, null, null);

    /// <summary>Gets a value indicating whether the operation can be performed.</summary>
    public bool IsAvailable { get; }

    /// <summary>
    /// Gets a value indicating whether the library implements the operation for the variant at all: <see langword="false"/>
    /// only for <see cref="NotSupported"/>; an operation that is supported may still be unavailable here for want of a service.
    /// </summary>
    public bool IsSupported { get; }

    /// <summary>Gets why the operation cannot be performed, or <see langword="null"/> when it can.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Gets the name of the missing service (a property of <see cref="VariantServices"/> or <see cref="VariantIssuerServices"/>),
    /// or <see langword="null"/> when nothing is missing or the reason is not a service.
    /// </summary>
    public string? MissingService { get; }

    /// <summary>Describes an operation that needs a service the environment lacks.</summary>
    /// <param name="service">The service's property name, e.g. <c>GceShieldedIdentity</c>.</param>
    /// <param name="reason">What is needed and for what, e.g. <c>gcp-sev-es validation needs an IGceShieldedIdentityClient (VariantServices.GceShieldedIdentity)</c>.</param>
    /// <returns>The capability.</returns>
    public static VariantCapability Missing(string service, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(false, reason, service);
    }

    /// <summary>Describes an operation that cannot be performed for another reason (e.g. the library has no issuer for the variant).</summary>
    /// <param name="reason">Why, naming the variant and what would be needed.</param>
    /// <returns>The capability.</returns>
    public static VariantCapability Unavailable(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(false, reason, null);
    }

    /// <summary>Describes an operation the library does not implement for the variant.</summary>
    /// <param name="reason">What is missing, naming the variant.</param>
    /// <returns>The capability.</returns>
    public static VariantCapability NotSupported(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(false, reason, null, isSupported: false);
    }

    /// <summary>Combines two requirements: this one when it is unavailable (it is the first thing missing), otherwise <paramref name="next"/>.</summary>
    /// <param name="next">The next requirement.</param>
    /// <returns>The combined capability.</returns>
    public VariantCapability And(VariantCapability next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return IsAvailable ? next : this;
    }

    /// <summary>Returns <c>available</c> or the reason.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Reason ?? "available";
}
