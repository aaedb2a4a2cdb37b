using System;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>How <see cref="SnpReportVerifier"/> checks a report's signature and certificate chain.</summary>
/// <remarks>Immutable once constructed; safe to share.</remarks>
public sealed class SnpVerificationOptions
{
    /// <summary>Gets the pinned ARKs. Default <see cref="SnpTrustedRoots.Default"/>.</summary>
    public SnpTrustedRoots TrustedRoots { get; init; } = SnpTrustedRoots.Default;

    /// <summary>
    /// Gets the product line the report must come from, or <see langword="null"/> to take it from the report's CPUID
    /// (v3+) or, for v2 reports, from the signer certificate's productName.
    /// </summary>
    public SnpProductLine? Product { get; init; }

    /// <summary>Gets the time at which certificate (and CRL) validity is judged; <see langword="null"/> = now from <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? VerificationTime { get; init; }

    /// <summary>Gets the clock used when <see cref="VerificationTime"/> is not set. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Gets a value indicating whether revocation is checked: the evidence must come with the ARK-signed AMD CRL
    /// (<see cref="SnpEvidenceCertificates.RevocationList"/>), current at the verification time, listing neither the
    /// ASK/ASVK nor the VCEK/VLEK; without one the report is refused. Default <see langword="true"/>. Setting it to
    /// <see langword="false"/> is an explicit opt-out (a CRL that is supplied anyway is still checked).
    /// </summary>
    public bool CheckRevocation { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a VCEK-signed report may carry an all-zero (host-masked) CHIP_ID, which leaves
    /// the VCEK's hwID unbound to the report. Default <see langword="false"/>: such reports are refused. VLEK-signed
    /// reports have no hwID binding and are not affected.
    /// </summary>
    public bool PermitMaskedChipId { get; init; }

    /// <summary>Gets the default options (AMD's ARKs, product from the evidence, current time, revocation checked, masked chip IDs refused).</summary>
    public static SnpVerificationOptions Default { get; } = new();

    internal DateTimeOffset Now => VerificationTime ?? TimeProvider.GetUtcNow();
}
