using System;

namespace Constellation.Cli.Commands;

/// <summary>
/// Input a command cannot work with: a missing or malformed file or option value. Printed as one line, with a hint
/// when there is one; exit code 2.
/// </summary>
internal sealed class UnusableInputException : Exception
{
    public UnusableInputException()
    {
        Hint = string.Empty;
    }

    public UnusableInputException(string message)
        : base(message)
    {
        Hint = string.Empty;
    }

    public UnusableInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Hint = string.Empty;
    }

    public UnusableInputException(string message, string hint)
        : base(message)
    {
        Hint = hint;
    }

    /// <summary>Gets what the user can do about it, or an empty string.</summary>
    public string Hint { get; }

    public string ToOneLine() => string.IsNullOrEmpty(Hint) ? Message : $"{Message}. Hint: {Hint}.";
}
