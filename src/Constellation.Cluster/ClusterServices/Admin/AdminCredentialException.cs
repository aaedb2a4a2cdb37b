using System;
using Constellation.Atls;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// The admin API's caller did not present the admin credential (a client certificate of the cluster CA in
/// <c>system:masters</c>); raised on the server, where it aborts the connection before any request is read.
/// </summary>
/// <remarks>An <see cref="AtlsException"/>, because the refusal happens in the aTLS handshake's client check.</remarks>
public class AdminCredentialException : AtlsException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AdminCredentialException()
        : base("admin credential refused")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What does not match.</param>
    public AdminCredentialException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What does not match.</param>
    /// <param name="innerException">The underlying error.</param>
    public AdminCredentialException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
