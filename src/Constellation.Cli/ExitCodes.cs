namespace Constellation.Cli;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The operation succeeded (for verify commands: the evidence is valid).</summary>
    public const int Success = 0;

    /// <summary>The evidence or peer was checked and rejected.</summary>
    public const int Rejected = 1;

    /// <summary>The input was unusable (missing file, not parseable) or the peer could not be reached.</summary>
    public const int UnusableInput = 2;
}
