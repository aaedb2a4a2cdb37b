using System;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>The state disk could not be formatted, unlocked or mapped. Messages never contain key material.</summary>
public class StateDiskException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public StateDiskException()
        : base("State disk operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public StateDiskException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public StateDiskException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
