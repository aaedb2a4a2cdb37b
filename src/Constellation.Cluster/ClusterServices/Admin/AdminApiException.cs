using System;
using Grpc.Core;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>A call to the cluster services' admin API failed: refused, unreachable or not trusted (see <see cref="Status"/> and the inner exception).</summary>
public class AdminApiException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AdminApiException()
        : base("admin API call failed")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public AdminApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The gRPC or transport error.</param>
    public AdminApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the gRPC status of the failed call, if there was one.</summary>
    public StatusCode? Status { get; init; }
}
