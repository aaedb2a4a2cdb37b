using System;

namespace Constellation.Attestation.Tpm.Issuers.Commands;

/// <summary>A TPM command returned an error response code. The message names the command and the decoded code.</summary>
public class TpmCommandException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public TpmCommandException()
        : base("A TPM command failed.")
    {
        Command = string.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public TpmCommandException(string message)
        : base(message)
    {
        Command = string.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public TpmCommandException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
    }

    /// <summary>Creates an exception for a failed command.</summary>
    /// <param name="command">The command name, e.g. <c>TPM2_Quote</c>.</param>
    /// <param name="responseCode">The TPM response code.</param>
    public TpmCommandException(string command, uint responseCode)
        : base($"{command} failed: {TpmResponseCode.Describe(responseCode)}")
    {
        Command = command;
        ResponseCode = responseCode;
    }

    /// <summary>Gets the command that failed.</summary>
    public string Command { get; }

    /// <summary>Gets the TPM response code.</summary>
    public uint ResponseCode { get; }
}
