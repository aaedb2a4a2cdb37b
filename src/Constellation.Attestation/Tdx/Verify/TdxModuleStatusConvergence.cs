using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Combines the platform TCB level's status with the TDX module identity level's status the way Intel's quote verification
/// library does (SGX-TDX-DCAP-QuoteVerificationLibrary, Verifiers/Checks/TdxModuleCheck.cpp
/// <c>convergeTcbStatusWithTdxModuleStatus</c>, and the status sets of Verifiers/TcbStatus.h). The module can only make the
/// result worse: it never lifts a platform that is out of date or revoked.
/// </summary>
internal static class TdxModuleStatusConvergence
{
    /// <summary>Returns whether <paramref name="status"/> is one Intel defines for a platform TCB level (VALID_TCB_INFO_STATUSES).</summary>
    public static bool IsPlatformStatus(string status) => status is TcbStatus.UpToDate or TcbStatus.SWHardeningNeeded or TcbStatus.ConfigurationNeeded
        or TcbStatus.ConfigurationAndSWHardeningNeeded or TcbStatus.OutOfDate or TcbStatus.OutOfDateConfigurationNeeded or TcbStatus.Revoked;

    /// <summary>Returns whether <paramref name="status"/> is one Intel defines for a TDX module level (VALID_MODULE_TCB_STATUSES).</summary>
    public static bool IsModuleStatus(string status) => status is TcbStatus.UpToDate or TcbStatus.OutOfDate or TcbStatus.Revoked;

    /// <summary>Combines the two statuses.</summary>
    /// <param name="platform">The matched platform level's status.</param>
    /// <param name="module">The matched module level's status (<see cref="TcbStatus.UpToDate"/> when no module identity applies).</param>
    /// <returns>The combined status, or <see langword="null"/> when either input is not a status Intel defines for its kind
    /// (Intel: STATUS_TCB_UNRECOGNIZED_STATUS, a rejection).</returns>
    public static string? Converge(string platform, string module)
    {
        if (!IsPlatformStatus(platform) || !IsModuleStatus(module))
        {
            return null;
        }

        return module switch
        {
            TcbStatus.Revoked => TcbStatus.Revoked,
            TcbStatus.OutOfDate => platform switch
            {
                TcbStatus.UpToDate or TcbStatus.SWHardeningNeeded => TcbStatus.OutOfDate,
                TcbStatus.ConfigurationNeeded or TcbStatus.ConfigurationAndSWHardeningNeeded => TcbStatus.OutOfDateConfigurationNeeded,

                // OutOfDate, OutOfDateConfigurationNeeded and Revoked are already at least as bad.
                _ => platform,
            },
            _ => platform,
        };
    }
}
