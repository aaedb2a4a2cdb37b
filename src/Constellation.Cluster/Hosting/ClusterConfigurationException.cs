using System;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// A daemon setting is missing or invalid. The message is one line naming the setting (its configuration key and its
/// flag), what is expected and what was given; a daemon prints it and exits non-zero before it serves anything.
/// </summary>
public class ClusterConfigurationException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ClusterConfigurationException()
        : base("The configuration is invalid.")
    {
        Setting = string.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong.</param>
    public ClusterConfigurationException(string message)
        : base(message)
    {
        Setting = string.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public ClusterConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Setting = string.Empty;
    }

    /// <summary>Creates an exception naming the setting, what was expected and what was given.</summary>
    /// <param name="setting">The setting as <c>Section:Key (--flag)</c>.</param>
    /// <param name="expected">What the daemon requires.</param>
    /// <param name="actual">What it was given (described, never a secret).</param>
    public ClusterConfigurationException(string setting, string expected, string actual)
        : base($"{setting}: expected {expected}, got {actual}")
    {
        Setting = setting;
    }

    /// <summary>Gets the setting that is wrong.</summary>
    public string Setting { get; }
}
