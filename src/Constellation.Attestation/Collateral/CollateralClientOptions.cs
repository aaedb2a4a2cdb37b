using System;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// Settings for the AMD KDS and Intel PCS clients that <see cref="CollateralClients.Create(CollateralClientOptions, Diagnostics.AttestationMetrics?, TimeProvider?)"/>
/// builds, and that <c>AddConstellationCollateral</c> registers. Bindable from configuration (e.g. a
/// <c>Constellation:Collateral</c> section).
/// </summary>
public sealed class CollateralClientOptions
{
    /// <summary>Gets or sets the directory of the on-disk cache; <see langword="null"/> for <see cref="CollateralCacheDirectory.GetDefault"/>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether the clients never touch the network and answer from the cache only.</summary>
    public bool Offline { get; set; }

    /// <summary>Gets or sets the time one HTTP attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = CollateralFetcherOptions.Default.AttemptTimeout;

    /// <summary>Gets or sets how many attempts one download may make (retries on timeouts, 408, 429 and 5xx).</summary>
    public int MaxAttempts { get; set; } = CollateralFetcherOptions.Default.MaxAttempts;

    /// <summary>Gets or sets the AMD KDS base address.</summary>
    public Uri AmdKdsBaseUri { get; set; } = AmdKdsOptions.DefaultBaseUri;

    /// <summary>Gets or sets the Intel PCS base address.</summary>
    public Uri IntelPcsBaseUri { get; set; } = new IntelPcsOptions().BaseUri;

    /// <summary>Gets or sets where the Intel SGX Root CA CRL is downloaded from.</summary>
    public Uri IntelRootCaCrlUri { get; set; } = new IntelPcsOptions().RootCaCrlUri;
}
