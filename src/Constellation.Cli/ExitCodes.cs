namespace Constellation.Cli;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The operation succeeded (for verify commands: the evidence is valid).</summary>
    public const int Success = 0;

    /// <summary>The evidence or peer was checked and rejected.</summary>
    public const int Rejected = 1;

    /// <summary>
    /// The input was unusable (missing, unreadable, over its size cap or not parseable), the command line was not
    /// (unknown command or option, missing or malformed value), or the peer could not be reached.
    /// </summary>
    public const int UnusableInput = 2;

    /// <summary>
    /// A bug, or an incomplete installation (the front binary without <c>constellation-full</c> beside it): the command
    /// failed in a way it does not handle, or did not run. Nothing was decided about the evidence.
    /// </summary>
    public const int InternalError = 3;

    /// <summary>The command was interrupted (Ctrl+C) before it finished: 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
