using System;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// A join or rejoin request was refused because it is not allowed (CSR subject not a kubelet identity, node name or
/// state disk bound to another node, control-plane role not admitted); the join service answers <c>PermissionDenied</c>.
/// Malformed fields are the subclass <see cref="MalformedJoinRequestException"/> (<c>InvalidArgument</c>). The message
/// names the field, the expected and the actual value, and never another node's identifiers.
/// </summary>
public class JoinRequestRejectedException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public JoinRequestRejectedException()
        : base("The join request was refused.")
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What was refused and why.</param>
    public JoinRequestRejectedException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public JoinRequestRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception naming the field, what was expected and what was received.</summary>
    /// <param name="field">The request field, e.g. <c>certificate_request.subject.CN</c>.</param>
    /// <param name="expected">What the join service requires.</param>
    /// <param name="actual">What the request contained.</param>
    public JoinRequestRejectedException(string field, string expected, string actual)
        : base($"invalid {field}: expected {expected}, got {actual}")
    {
        Field = field;
    }

    /// <summary>Gets the request field that was refused.</summary>
    public string Field { get; }
}
