namespace Constellation.Attestation.ConfigFsTsm;

/// <summary>Where and how <see cref="TsmReportClient"/> talks to the kernel's configfs-tsm report interface. Immutable.</summary>
public sealed class ConfigFsTsmOptions
{
    /// <summary>The kernel's configfs-tsm report directory.</summary>
    public const string DefaultReportDirectory = "/sys/kernel/config/tsm/report";

    /// <summary>Gets the report directory (default <see cref="DefaultReportDirectory"/>).</summary>
    public string ReportDirectory { get; init; } = DefaultReportDirectory;

    /// <summary>Gets the entry name to create; null (default) picks a fresh unique name per report.</summary>
    public string? EntryName { get; init; }

    /// <summary>Gets a value indicating whether the entry is removed after use (default true).</summary>
    public bool RemoveEntry { get; init; } = true;
}
