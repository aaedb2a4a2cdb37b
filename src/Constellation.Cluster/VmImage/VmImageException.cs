using System;

namespace Constellation.Cluster.VmImage;

/// <summary>A VM node image (built by <c>scripts/vm-image.sh</c>) is missing a file or holds one that cannot be used.</summary>
public class VmImageException : ClusterException
{
    /// <summary>Initialises the exception.</summary>
    public VmImageException()
    {
    }

    /// <summary>Initialises the exception with a message.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public VmImageException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The cause.</param>
    public VmImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
