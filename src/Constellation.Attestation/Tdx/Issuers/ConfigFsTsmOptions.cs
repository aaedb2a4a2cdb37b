namespace Constellation.Attestation.Tdx.Issuers;

/// <summary>Where and how <see cref="ConfigFsTsmQuoteProvider"/> talks to the kernel's configfs-tsm report interface. Immutable.</summary>
public sealed class ConfigFsTsmOptions
{
    /// <summary>Gets the report directory (default <c>/sys/kernel/config/tsm/report</c>).</summary>
    public string ReportDirectory { get; init; } = "/sys/kernel/config/tsm/report";

    /// <summary>Gets the entry name to create; null (default) picks a fresh unique name per quote.</summary>
    public string? EntryName { get; init; }

    /// <summary>Gets a value indicating whether the entry is removed after use (default true).</summary>
    public bool RemoveEntry { get; init; } = true;
}
