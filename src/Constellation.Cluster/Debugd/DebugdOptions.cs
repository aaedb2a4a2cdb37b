using System;
using System.Collections.Generic;
using System.Net;
using Constellation.Attestation;

namespace Constellation.Cluster.Debugd;

/// <summary>What a debug daemon serves and supervises (<see cref="DebugdHost"/>).</summary>
/// <remarks>Read once at start; do not change an instance a host runs with.</remarks>
public sealed class DebugdOptions
{
    /// <summary>The default TCP port (upstream debugd's).</summary>
    public const int DefaultPort = 4000;

    /// <summary>The default largest executable an upload may carry: 512 MiB.</summary>
    public const long DefaultMaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>The default number of output lines kept for <c>Logs</c>.</summary>
    public const int DefaultLogLines = 1000;

    /// <summary>Gets the issuer the server attests itself with (the node's).</summary>
    public required IAttestationIssuer Issuer { get; init; }

    /// <summary>Gets the authorized debug key: a PEM public key (<c>-----BEGIN PUBLIC KEY-----</c>), the only client debugd serves.</summary>
    public required string AuthorizedKeyPem { get; init; }

    /// <summary>Gets the bootstrapper executable debugd runs and replaces (an absolute path; its directory must be writable).</summary>
    public required string BootstrapperPath { get; init; }

    /// <summary>Gets the bootstrapper's arguments.</summary>
    public IReadOnlyList<string> BootstrapperArguments { get; init; } = [];

    /// <summary>Gets where the server listens; port 0 picks a free port.</summary>
    public IPEndPoint ListenEndpoint { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>Gets the largest executable an upload may carry, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;

    /// <summary>Gets how many of the bootstrapper's latest output lines are kept.</summary>
    public int LogLines { get; init; } = DefaultLogLines;

    /// <summary>Gets how long a started bootstrapper must keep running to count as started (a deploy that exits at once is rolled back).</summary>
    public TimeSpan StartSettleTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets how long a start may take in all.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
