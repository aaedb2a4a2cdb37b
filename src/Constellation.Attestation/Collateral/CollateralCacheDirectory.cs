using System;
using System.IO;

namespace Constellation.Attestation.Collateral;

/// <summary>Where the persistent collateral cache lives by default.</summary>
public static class CollateralCacheDirectory
{
    /// <summary>
    /// Gets the default directory: <c>$XDG_CACHE_HOME/constellation/collateral</c>, or
    /// <c>~/.cache/constellation/collateral</c> when <c>XDG_CACHE_HOME</c> is unset or not absolute
    /// (as the XDG base directory specification requires).
    /// </summary>
    /// <returns>The absolute directory path (not created).</returns>
    public static string GetDefault()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDir;
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            baseDir = xdg;
        }
        else
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                throw new InvalidOperationException("Neither XDG_CACHE_HOME nor a home directory is set; configure the collateral cache directory explicitly.");
            }

            baseDir = Path.Combine(home, ".cache");
        }

        return Path.Combine(baseDir, "constellation", "collateral");
    }
}
