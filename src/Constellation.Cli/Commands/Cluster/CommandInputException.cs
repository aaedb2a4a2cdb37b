using System;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>Unusable command input: printed as one line plus a hint, exit code 2.</summary>
internal sealed class CommandInputException : Exception
{
    public CommandInputException()
    {
        Hint = string.Empty;
    }

    public CommandInputException(string message)
        : base(message)
    {
        Hint = string.Empty;
    }

    public CommandInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Hint = string.Empty;
    }

    public CommandInputException(string message, string hint)
        : base(message)
    {
        Hint = hint;
    }

    /// <summary>Gets what the user can do about it.</summary>
    public string Hint { get; }

    public string ToOneLine() => string.IsNullOrEmpty(Hint) ? Message : $"{Message}. Hint: {Hint}.";
}
