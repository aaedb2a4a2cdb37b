using System;

namespace Constellation.Attestation.ConfigFsTsm;

/// <summary>What to ask a configfs-tsm provider for. Immutable.</summary>
public sealed class TsmReportRequest
{
    /// <summary>Gets the provider the entry must belong to (<c>sev_guest</c>, <c>tdx_guest</c>, …); anything else is refused before <see cref="InBlob"/> is written.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the bytes written to <c>inblob</c> (the TEE's report data, at most 64 bytes).</summary>
    public required ReadOnlyMemory<byte> InBlob { get; init; }

    /// <summary>
    /// Gets the privilege level written to <c>privlevel</c> (SEV-SNP: the VMPL), or <see langword="null"/> to leave it alone.
    /// An entry without the attribute only serves level 0.
    /// </summary>
    public uint? PrivilegeLevel { get; init; }
}
