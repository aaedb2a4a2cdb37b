using System;

namespace Constellation.Cli.Commands;

/// <summary>Input a command cannot work with: a missing or malformed file or option value (exit code 2).</summary>
internal sealed class UnusableInputException(string message) : Exception(message);
