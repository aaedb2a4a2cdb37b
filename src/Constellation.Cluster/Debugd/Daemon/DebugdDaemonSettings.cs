using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Debugd.Daemon;

/// <summary>
/// The settings of <c>constellation-debugd</c> (section <see cref="Section"/>), read and checked at start; any problem
/// is a <see cref="ClusterConfigurationException"/> naming the setting. See <c>docs/hosts.md</c> for each key.
/// </summary>
public sealed class DebugdDaemonSettings
{
    /// <summary>The configuration section (and the environment prefix <c>CONSTELLATION_DEBUGD__</c>).</summary>
    public const string Section = "Debugd";

    private DebugdDaemonSettings()
    {
    }

    /// <summary>Gets the keys that hold lists.</summary>
    public static IReadOnlyList<string> ListKeys { get; } = ["BootstrapperArguments"];

    /// <summary>Gets every key of the section.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Variant", "Tpm", "EventLog", "ListenAddress", "Port", "AuthorizedKey", "BootstrapperPath", "BootstrapperArguments", "MaxUploadMiB", "LogLines", "LogLevel",
    ];

    /// <summary>Gets the attestation variant the node issues.</summary>
    public AttestationVariant Variant { get; private init; } = AttestationVariant.Dummy;

    /// <summary>Gets where the TPM is, or <see langword="null"/>.</summary>
    public string? Tpm { get; private init; }

    /// <summary>Gets the address the service binds.</summary>
    public IPAddress ListenAddress { get; private init; } = IPAddress.Loopback;

    /// <summary>Gets the service's port (default 4000, as upstream debugd).</summary>
    public int Port { get; private init; } = DebugdOptions.DefaultPort;

    /// <summary>Gets the authorized debug key's PEM file.</summary>
    public string AuthorizedKey { get; private init; } = string.Empty;

    /// <summary>Gets the bootstrapper executable.</summary>
    public string BootstrapperPath { get; private init; } = string.Empty;

    /// <summary>Gets the bootstrapper's arguments.</summary>
    public IReadOnlyList<string> BootstrapperArguments { get; private init; } = [];

    /// <summary>Gets the largest upload in bytes.</summary>
    public long MaxUploadBytes { get; private init; } = DebugdOptions.DefaultMaxUploadBytes;

    /// <summary>Gets how many output lines are kept.</summary>
    public int LogLines { get; private init; } = DebugdOptions.DefaultLogLines;

    /// <summary>Gets the lowest level logged.</summary>
    public LogLevel LogLevel { get; private init; }

    internal NodeVariant NodeVariant { get; private init; } = null!;

    internal string AuthorizedKeyPem { get; private init; } = string.Empty;

    /// <summary>Reads and checks the settings.</summary>
    /// <param name="configuration">The configuration (the daemon reads section <see cref="Section"/>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ClusterConfigurationException">A setting is missing or invalid.</exception>
    public static DebugdDaemonSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = new DaemonSettings(configuration.GetSection(Section), Keys);
        var (nodeVariant, tpm, _) = DaemonSettingValues.ReadNodeVariant(s);
        var keyPath = s.ExistingFile("AuthorizedKey")
            ?? throw new ClusterConfigurationException(s.Name("AuthorizedKey"), "the authorized debug key (a PEM public key file baked into the debug image)", "nothing (the setting is required)");
        var pem = File.ReadAllText(keyPath);
        try
        {
            _ = AuthorizedDebugKey.FromPem(pem, keyPath);
        }
        catch (DebugdException ex)
        {
            throw new ClusterConfigurationException(s.Name("AuthorizedKey"), "a PEM public key (-----BEGIN PUBLIC KEY-----, ECDSA or RSA)", ex.Message);
        }

        var bootstrapper = s.ExistingFile("BootstrapperPath")
            ?? throw new ClusterConfigurationException(s.Name("BootstrapperPath"), "the bootstrapper executable debugd runs and replaces", "nothing (the setting is required)");
        return new DebugdDaemonSettings
        {
            Variant = nodeVariant.Definition.Variant,
            NodeVariant = nodeVariant,
            Tpm = tpm?.ToString(),
            ListenAddress = s.Address("ListenAddress", IPAddress.Loopback),
            Port = s.Port("Port", DebugdOptions.DefaultPort),
            AuthorizedKey = keyPath,
            AuthorizedKeyPem = pem,
            BootstrapperPath = bootstrapper,
            BootstrapperArguments = s.List("BootstrapperArguments"),
            MaxUploadBytes = s.Number("MaxUploadMiB", (int)(DebugdOptions.DefaultMaxUploadBytes / (1024 * 1024)), 1, 16 * 1024, "a size in MiB from 1 to 16384") * 1024L * 1024,
            LogLines = s.Number("LogLines", DebugdOptions.DefaultLogLines, 1, 1_000_000, "a number of lines from 1 to 1000000"),
            LogLevel = DaemonSettingValues.LogLevel(s),
        };
    }
}
