using System;

namespace Constellation.Cluster.KeyService;

/// <summary>
/// The key service refused a data-key request, could not be reached, or answered with a key of the wrong length.
/// The join service answers its own caller with a fixed <c>Unavailable</c> status and keeps these details to its log.
/// </summary>
public class KeyServiceException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public KeyServiceException()
        : base("The key service did not provide the data key.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public KeyServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public KeyServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
