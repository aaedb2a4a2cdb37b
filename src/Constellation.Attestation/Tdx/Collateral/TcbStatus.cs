namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// The TCB status strings Intel PCS uses. Unknown strings are kept as received in TCB info, but a TCB evaluation whose matched
/// level says one (or whose TDX module level says anything but UpToDate, OutOfDate or Revoked) does not match, so no policy
/// accepts it.
/// </summary>
public static class TcbStatus
{
    /// <summary>The platform is patched to the latest TCB.</summary>
    public const string UpToDate = "UpToDate";

    /// <summary>Patched, but software hardening is needed against some advisories.</summary>
    public const string SWHardeningNeeded = "SWHardeningNeeded";

    /// <summary>Patched, but the platform configuration needs changes.</summary>
    public const string ConfigurationNeeded = "ConfigurationNeeded";

    /// <summary>Both of the above.</summary>
    public const string ConfigurationAndSWHardeningNeeded = "ConfigurationAndSWHardeningNeeded";

    /// <summary>A newer TCB level exists that fixes published vulnerabilities.</summary>
    public const string OutOfDate = "OutOfDate";

    /// <summary>Out of date and configuration changes are needed.</summary>
    public const string OutOfDateConfigurationNeeded = "OutOfDateConfigurationNeeded";

    /// <summary>The TCB level is revoked.</summary>
    public const string Revoked = "Revoked";

    /// <summary>Returns whether the status says a newer TCB level supersedes this one.</summary>
    /// <param name="status">A status string.</param>
    /// <returns><see langword="true"/> for the out-of-date statuses.</returns>
    public static bool IsOutOfDate(string status) => status is OutOfDate or OutOfDateConfigurationNeeded;
}
