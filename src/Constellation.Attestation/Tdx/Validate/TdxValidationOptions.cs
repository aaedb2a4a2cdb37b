using System;
using System.Collections.Generic;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>
/// What the verified facts about a TDX quote must satisfy (<see cref="TdxQuoteValidator"/>): accepted TCB statuses, the
/// out-of-date grace period, denied advisories, and the expected TD and QE values. Unset (null) expectations are not checked.
/// </summary>
/// <remarks>Immutable once built; one instance may be shared across threads. Which collateral is required and how stale it
/// may be is <see cref="Verify.TdxVerificationOptions"/>.</remarks>
public sealed class TdxValidationOptions
{
    /// <summary>
    /// Gets a value indicating whether the verification must have evaluated the TCB against verified TCB info and QE
    /// identity (default true). False accepts a signatures-only verification (<see cref="Verify.TdxVerificationOptions.SignaturesOnly"/>);
    /// the TCB checks below then apply only when the TCB was evaluated.
    /// </summary>
    public bool RequireTcbEvaluation { get; init; } = true;

    /// <summary>Gets the accepted TCB statuses for platform/module and QE (default: only <see cref="TcbStatus.UpToDate"/>).</summary>
    public IReadOnlySet<string> AcceptedTcbStatuses { get; init; } = new HashSet<string>(StringComparer.Ordinal) { TcbStatus.UpToDate };

    /// <summary>
    /// Gets how long an out-of-date TCB level is still accepted after a newer level was published (measured from the newer
    /// level's tcbDate). Null (default) disables the grace period.
    /// </summary>
    public TimeSpan? OutOfDateGracePeriod { get; init; }

    /// <summary>Gets Intel advisory IDs (e.g. <c>INTEL-SA-00837</c>) that reject the quote when they apply at its TCB level.</summary>
    public IReadOnlySet<string> DeniedAdvisoryIds { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the minimum TEE_TCB_SVN, compared byte by byte (16 bytes).</summary>
    public ReadOnlyMemory<byte>? MinimumTeeTcbSvn { get; init; }

    /// <summary>Gets the minimum header QE SVN (go-tdx-guest's mapping: u16 at offset 10; zero in real TDX quotes).</summary>
    public ushort? MinimumQeSvn { get; init; }

    /// <summary>Gets the minimum header PCE SVN (go-tdx-guest's mapping: u16 at offset 8; zero in real TDX quotes).</summary>
    public ushort? MinimumPceSvn { get; init; }

    /// <summary>Gets the expected QE vendor ID (16 bytes).</summary>
    public ReadOnlyMemory<byte>? QeVendorId { get; init; }

    /// <summary>Gets the expected MRSEAM (48 bytes).</summary>
    public ReadOnlyMemory<byte>? MrSeam { get; init; }

    /// <summary>Gets the expected TDATTRIBUTES (8 wire bytes).</summary>
    public ReadOnlyMemory<byte>? TdAttributes { get; init; }

    /// <summary>Gets a value indicating whether the TD DEBUG attribute is forbidden (default true).</summary>
    public bool ForbidDebug { get; init; } = true;

    /// <summary>Gets the expected XFAM (8 wire bytes).</summary>
    public ReadOnlyMemory<byte>? Xfam { get; init; }

    /// <summary>Gets the accepted MRTD values (48 bytes each); any match passes. Empty: not checked.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> MrTd { get; init; } = Array.Empty<ReadOnlyMemory<byte>>();

    /// <summary>Gets the expected MRCONFIGID (48 bytes).</summary>
    public ReadOnlyMemory<byte>? MrConfigId { get; init; }

    /// <summary>Gets the expected MROWNER (48 bytes).</summary>
    public ReadOnlyMemory<byte>? MrOwner { get; init; }

    /// <summary>Gets the expected MROWNERCONFIG (48 bytes).</summary>
    public ReadOnlyMemory<byte>? MrOwnerConfig { get; init; }

    /// <summary>Gets the expected RTMR0..3 (48 bytes each); a null entry is not checked. Must hold 0 or 4 entries.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>?> Rtmrs { get; init; } = Array.Empty<ReadOnlyMemory<byte>?>();

    /// <summary>Gets the expected REPORTDATA (64 bytes).</summary>
    public ReadOnlyMemory<byte>? ReportData { get; init; }

    /// <summary>Gets the default policy: only UpToDate (platform, TDX module and QE), debug forbidden, no grace period.</summary>
    public static TdxValidationOptions Default { get; } = new();

    /// <summary>
    /// Gets the policy that goes with <see cref="Verify.TdxVerificationOptions.SignaturesOnly"/>: no TCB evaluation required,
    /// debug TDs permitted and no value expected; the architectural TDATTRIBUTES and XFAM rules still apply.
    /// </summary>
    public static TdxValidationOptions SignaturesOnly { get; } = new() { RequireTcbEvaluation = false, ForbidDebug = false };
}
