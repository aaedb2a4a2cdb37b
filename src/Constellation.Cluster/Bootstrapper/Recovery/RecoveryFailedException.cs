using System;
using Grpc.Core;

namespace Constellation.Cluster.Bootstrapper.Recovery;

/// <summary>The node refused or failed the recovery; the message is the node's reason.</summary>
public class RecoveryFailedException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public RecoveryFailedException()
        : base("recovery failed")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The node's reason.</param>
    public RecoveryFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">The node's reason.</param>
    /// <param name="innerException">The gRPC error.</param>
    public RecoveryFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the gRPC status the node answered with, if any.</summary>
    public StatusCode? Status { get; init; }
}
