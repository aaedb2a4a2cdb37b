using System;

namespace Constellation.Cluster;

/// <summary>
/// The root of every error the cluster library raises on purpose (init refused, state disk unusable, join request
/// refused, key service unavailable, configuration invalid, …), so that a host catches one type. Messages name what
/// failed, the expected and the actual value, and never contain key material, disk UUIDs or tokens.
/// </summary>
public class ClusterException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ClusterException()
        : base("A cluster operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public ClusterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public ClusterException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
