using System;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// A join or rejoin request was refused because a field is malformed (not a canonical disk UUID, not a DER CSR, not a
/// DNS-1123 node name, too large, …); the join service answers <c>InvalidArgument</c>. Refusals of well-formed
/// requests that are not allowed are the base <see cref="JoinRequestRejectedException"/> (<c>PermissionDenied</c>).
/// </summary>
public class MalformedJoinRequestException : JoinRequestRejectedException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public MalformedJoinRequestException()
        : base("The join request is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is malformed.</param>
    public MalformedJoinRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is malformed.</param>
    /// <param name="innerException">The underlying error.</param>
    public MalformedJoinRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the field, what was expected and what was received.</summary>
    /// <param name="field">The request field, e.g. <c>disk_uuid</c>.</param>
    /// <param name="expected">What the join service requires.</param>
    /// <param name="actual">What the request contained (described, never a secret).</param>
    public MalformedJoinRequestException(string field, string expected, string actual)
        : base(field, expected, actual)
    {
    }
}
