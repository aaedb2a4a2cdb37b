using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>The configuration shared by the SNP variants (<c>bootloaderVersion</c>…, <c>amdRootKey</c>, <c>amdSigningKey</c>).</summary>
/// <remarks>Immutable once constructed; safe to share.</remarks>
public sealed class SnpVariantOptions
{
    /// <summary>Gets the minimum TCB (<c>bootloaderVersion</c>, <c>teeVersion</c>, <c>snpVersion</c>, <c>microcodeVersion</c>).</summary>
    public required SnpTcbParts MinimumTcb { get; init; }

    /// <summary>Gets the pinned ARK (<c>amdRootKey</c>). Default: AMD's ARK-Milan only, as Constellation configures it.</summary>
    public SnpTrustedRoots TrustedRoots { get; init; } = MilanOnly.Value;

    /// <summary>Gets the cached ASK/ASVK (<c>amdSigningKey</c>), used when the evidence carries none.</summary>
    public X509Certificate2? AmdSigningKey { get; init; }

    /// <summary>Gets the KDS client for collateral the evidence lacks, or <see langword="null"/> to never fetch.</summary>
    public AmdKdsClient? Kds { get; init; }

    /// <summary>
    /// Gets a value indicating whether revocation is checked (default <see langword="true"/>): the ARK-signed AMD CRL
    /// for the chain (<c>/vcek/v1/Milan/crl</c> or <c>/vlek/v1/Milan/crl</c>) is obtained through <see cref="Kds"/>
    /// (from its cache when offline) and must list neither the ASK/ASVK nor the VCEK/VLEK. When no CRL can be had the
    /// evidence is refused with <see cref="CollateralUnavailableException"/>. <see langword="false"/> is an explicit
    /// opt-out; upstream Constellation does not check revocation.
    /// </summary>
    public bool CheckRevocation { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a VCEK-signed report may carry an all-zero (host-masked) CHIP_ID (default
    /// <see langword="false"/>, see <see cref="SnpVerificationOptions.PermitMaskedChipId"/>). VLEK reports (aws-sev-snp)
    /// are not affected.
    /// </summary>
    public bool PermitMaskedChipId { get; init; }

    /// <summary>Gets the time certificate validity is judged at (<see langword="null"/> = now from <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset? VerificationTime { get; init; }

    /// <summary>Gets the clock used when <see cref="VerificationTime"/> is not set. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    private static readonly Lazy<SnpTrustedRoots> MilanOnly = new(() =>
    {
        SnpTrustedRoots.Default.TryGetArk(SnpProductLine.Milan, out var ark);
        return new SnpTrustedRoots([ark]);
    });
}
