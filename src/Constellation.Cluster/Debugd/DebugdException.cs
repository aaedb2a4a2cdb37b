using System;
using Grpc.Core;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// A debugd operation failed: an upload was refused (size, SHA-256, truncated), the new bootstrapper did not start, the
/// log reader fell behind, or a call to debugd failed (see <see cref="Status"/> and the inner exception).
/// </summary>
public class DebugdException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public DebugdException()
        : base("debugd operation failed")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public DebugdException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public DebugdException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the gRPC status of the failed call, if there was one.</summary>
    public StatusCode? Status { get; init; }
}
