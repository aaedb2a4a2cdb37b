using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Transport;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// Where the node's TPM is: a device (<c>/dev/tpmrm0</c>), a swtpm Unix socket (<c>swtpm:unix:&lt;path&gt;</c>) or a
/// swtpm TCP port (<c>swtpm:tcp:&lt;host&gt;:&lt;port&gt;</c>).
/// </summary>
internal sealed record TpmEndpoint(string Kind, string Target, int Port)
{
    public const string Expected = "/dev/tpmrm0 (or another device path), swtpm:unix:<socket path> or swtpm:tcp:<host>:<port>";

    /// <summary>Gets whether the TPM is a kernel device (whose firmware event log the kernel exposes), not a swtpm socket.</summary>
    public bool IsDevice => Kind == "device";

    public static bool TryParse(string value, out TpmEndpoint? endpoint)
    {
        endpoint = null;
        if (value.StartsWith("/dev/", StringComparison.Ordinal))
        {
            endpoint = new TpmEndpoint("device", value, 0);
        }
        else if (value.StartsWith("swtpm:unix:", StringComparison.Ordinal) && Path.IsPathFullyQualified(value["swtpm:unix:".Length..]))
        {
            endpoint = new TpmEndpoint("unix", value["swtpm:unix:".Length..], 0);
        }
        else if (value.StartsWith("swtpm:tcp:", StringComparison.Ordinal))
        {
            var rest = value["swtpm:tcp:".Length..];
            var colon = rest.LastIndexOf(':');
            if (colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                endpoint = new TpmEndpoint("tcp", rest[..colon], port);
            }
        }

        return endpoint is not null;
    }

    public async ValueTask<ITpmTransport> OpenAsync(CancellationToken cancellationToken) => Kind switch
    {
        "device" => TpmDeviceTransport.Open(Target),
        "unix" => await SwtpmSocketTransport.ConnectUnixAsync(Target, cancellationToken).ConfigureAwait(false),
        "tcp" => await SwtpmSocketTransport.ConnectAsync(Target, Port, cancellationToken).ConfigureAwait(false),
        _ => throw new InvalidOperationException($"TPM endpoint kind {Kind}"),
    };

    public override string ToString() => Kind switch
    {
        "device" => Target,
        "unix" => "swtpm:unix:" + Target,
        _ => $"swtpm:tcp:{Target}:{Port}",
    };
}
