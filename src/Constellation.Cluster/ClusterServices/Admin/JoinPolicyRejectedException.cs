using System;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// A new join policy was refused before anything was published: wrong variant for the cluster, unparseable, no
/// measurements, or a measurement of the wrong length. <see cref="Exception.Message"/> names the field, the expected and
/// the actual value.
/// </summary>
public class JoinPolicyRejectedException : AdminApiException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public JoinPolicyRejectedException()
        : base("join policy rejected")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">Which field is wrong, expected and actual.</param>
    public JoinPolicyRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">Which field is wrong, expected and actual.</param>
    /// <param name="innerException">The underlying error.</param>
    public JoinPolicyRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
