using System;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The join service's node registry (name ↔ disk bindings) could not be read or recorded. A file that cannot be read
/// stops the join service from starting; a binding that cannot be recorded is not made, and the request is refused
/// with <c>Unavailable</c>. Messages name the file and the entry, never a disk UUID.
/// </summary>
public class NodeRegistryException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public NodeRegistryException()
        : base("The node registry could not be read or written.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public NodeRegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public NodeRegistryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
