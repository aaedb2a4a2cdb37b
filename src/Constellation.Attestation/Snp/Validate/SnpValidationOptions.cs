using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Snp.Validate;

/// <summary>
/// The policy a verified report must satisfy (the go-sev-guest <c>validate.Options</c> checklist). Unset
/// (<see langword="null"/>) checks are skipped; the defaults forbid debug, migration agents and CXL and require VMPL 0.
/// </summary>
/// <remarks>Immutable once constructed; safe to share.</remarks>
public sealed class SnpValidationOptions
{
    /// <summary>Gets the minimum GUEST_SVN.</summary>
    public uint? MinimumGuestSvn { get; init; }

    /// <summary>Gets the minimum firmware ABI (major, minor) the guest policy must demand.</summary>
    public (byte Major, byte Minor)? MinimumPolicyAbi { get; init; }

    /// <summary>Gets a value indicating whether the guest policy may allow debugging. Default <see langword="false"/>.</summary>
    public bool PermitDebug { get; init; }

    /// <summary>Gets a value indicating whether the guest policy may allow SMT. Default <see langword="true"/>.</summary>
    public bool PermitSmt { get; init; } = true;

    /// <summary>Gets a value indicating whether the guest policy may allow a migration agent. Default <see langword="false"/>.</summary>
    public bool PermitMigrationAgent { get; init; }

    /// <summary>Gets a value indicating whether the guest policy may allow CXL. Default <see langword="false"/>.</summary>
    public bool PermitCxl { get; init; }

    /// <summary>Gets a value indicating whether the guest policy must require a single socket.</summary>
    public bool RequireSingleSocket { get; init; }

    /// <summary>Gets a value indicating whether the guest policy must require AES-256-XTS.</summary>
    public bool RequireMemAes256Xts { get; init; }

    /// <summary>Gets a value indicating whether the guest policy must require RAPL to be disabled.</summary>
    public bool RequireRaplDisabled { get; init; }

    /// <summary>Gets a value indicating whether the guest policy must require ciphertext hiding.</summary>
    public bool RequireCiphertextHiding { get; init; }

    /// <summary>Gets a value indicating whether the guest policy must disable page swapping.</summary>
    public bool RequirePageSwapDisabled { get; init; }

    /// <summary>Gets the required VMPL. Default 0; <see langword="null"/> skips the check.</summary>
    public uint? Vmpl { get; init; } = 0;

    /// <summary>Gets the exact REPORT_DATA (64 bytes).</summary>
    public ReadOnlyMemory<byte>? ReportData { get; init; }

    /// <summary>Gets the exact HOST_DATA (32 bytes).</summary>
    public ReadOnlyMemory<byte>? HostData { get; init; }

    /// <summary>Gets the exact FAMILY_ID (16 bytes).</summary>
    public ReadOnlyMemory<byte>? FamilyId { get; init; }

    /// <summary>Gets the exact IMAGE_ID (16 bytes).</summary>
    public ReadOnlyMemory<byte>? ImageId { get; init; }

    /// <summary>Gets the exact REPORT_ID (32 bytes).</summary>
    public ReadOnlyMemory<byte>? ReportId { get; init; }

    /// <summary>Gets the exact REPORT_ID_MA (32 bytes).</summary>
    public ReadOnlyMemory<byte>? ReportIdMa { get; init; }

    /// <summary>Gets the exact MEASUREMENT (48 bytes).</summary>
    public ReadOnlyMemory<byte>? Measurement { get; init; }

    /// <summary>Gets the exact CHIP_ID (64 bytes).</summary>
    public ReadOnlyMemory<byte>? ChipId { get; init; }

    /// <summary>
    /// Gets a value indicating whether provisional firmware is acceptable: COMMITTED ≤ CURRENT instead of equal
    /// (TCB and firmware version). Default <see langword="false"/>.
    /// </summary>
    public bool PermitProvisionalFirmware { get; init; }

    /// <summary>Gets the minimum REPORTED_TCB.</summary>
    public SnpTcbParts? MinimumTcb { get; init; }

    /// <summary>Gets the minimum LAUNCH_TCB.</summary>
    public SnpTcbParts? MinimumLaunchTcb { get; init; }

    /// <summary>Gets the minimum CURRENT_BUILD.</summary>
    public byte? MinimumBuild { get; init; }

    /// <summary>Gets the minimum firmware version (CURRENT_MAJOR, CURRENT_MINOR).</summary>
    public (byte Major, byte Minor)? MinimumFirmwareVersion { get; init; }

    /// <summary>Gets the PLATFORM_INFO bits that may be set (others, including reserved bits, are violations); <see langword="null"/> skips.</summary>
    public ulong? PermittedPlatformInfo { get; init; }

    /// <summary>Gets the PLATFORM_INFO bits that must be set.</summary>
    public ulong RequiredPlatformInfo { get; init; }

    /// <summary>Gets a value indicating whether an ID block is required (ID_KEY_DIGEST in <see cref="TrustedIdKeyDigests"/>, or a trusted author key).</summary>
    public bool RequireIdBlock { get; init; }

    /// <summary>Gets a value indicating whether a trusted author key is required (implies <see cref="RequireIdBlock"/>).</summary>
    public bool RequireAuthorKey { get; init; }

    /// <summary>Gets the trusted ID key digests (48-byte SHA-384 values).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TrustedIdKeyDigests { get; init; } = [];

    /// <summary>Gets the trusted author key digests (48-byte SHA-384 values).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TrustedAuthorKeyDigests { get; init; } = [];

    /// <summary>Gets the mitigation bits that LAUNCH_MIT_VECTOR must contain (v5 reports).</summary>
    public ulong? MinimumLaunchMitigationVector { get; init; }

    /// <summary>Gets the mitigation bits that CURRENT_MIT_VECTOR must contain (v5 reports).</summary>
    public ulong? MinimumCurrentMitigationVector { get; init; }

    /// <summary>
    /// Gets the options Constellation applies on every cloud (spec §7.2): debug forbidden, SMT allowed, VMPL 0,
    /// provisional firmware permitted, minimum LAUNCH_TCB; on Azure the same minimum also applies to REPORTED_TCB.
    /// </summary>
    /// <param name="minimumTcb">The configured bootloader/tee/snp/microcode minimums.</param>
    /// <param name="alsoCheckReportedTcb"><see langword="true"/> for Azure.</param>
    /// <returns>The options.</returns>
    public static SnpValidationOptions Constellation(SnpTcbParts minimumTcb, bool alsoCheckReportedTcb) => new()
    {
        PermitProvisionalFirmware = true,
        MinimumLaunchTcb = minimumTcb,
        MinimumTcb = alsoCheckReportedTcb ? minimumTcb : null,
    };
}
