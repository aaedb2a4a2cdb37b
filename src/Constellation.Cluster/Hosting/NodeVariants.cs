using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.NodeLock;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// The one seam between the daemons and the variants: which variants a node on this machine can be (<c>dummy</c>,
/// <c>qemu-vtpm</c> on a TPM device or swtpm), how its issuer and cluster-ID register are made, and which validators the
/// join service builds from its policy file. When the variant registry lands, this dispatches by its definitions.
/// </summary>
internal static class NodeVariants
{
    public static string Supported => $"{AttestationVariant.Dummy.Name} or {AttestationVariant.QemuVtpm.Name}";

    public static bool IsSupported(AttestationVariant variant) => variant == AttestationVariant.Dummy || variant == AttestationVariant.QemuVtpm;

    public static bool NeedsTpm(AttestationVariant variant) => variant == AttestationVariant.QemuVtpm;

    /// <summary>The validators the join service builds from its policy: the node's variant only (dummy only by name).</summary>
    public static AttestationValidatorFactory ValidatorFactory(AttestationVariant variant)
    {
        var factory = AttestationValidatorFactory.CreateDefault();
        return variant == AttestationVariant.Dummy ? factory.RegisterDummy() : factory;
    }

    /// <summary>Creates the node's issuer and cluster-ID register; the returned lifetime (the TPM connection) is disposed last.</summary>
    public static NodeAttestation Create(AttestationVariant variant, TpmEndpoint? tpm, string? eventLogPath)
    {
        if (variant == AttestationVariant.Dummy)
        {
            return new NodeAttestation(new DummyIssuer(), new InMemoryClusterIdRegister(), null);
        }

        if (variant != AttestationVariant.QemuVtpm || tpm is null)
        {
            throw new ArgumentException($"variant {variant.Name}: expected {Supported} with a TPM", nameof(variant));
        }

        // One serialized connection shared by the issuer and the register: swtpm serves one connection at a time.
        var connection = new SharedTpmConnection(tpm.OpenAsync);
        var options = eventLogPath is null
            ? new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) }
            : new VtpmIssuerOptions { EventLogReader = async ct => await File.ReadAllBytesAsync(eventLogPath, ct).ConfigureAwait(false) };
        return new NodeAttestation(QemuVtpmVariant.CreateIssuer(connection.OpenAsync, options), new TpmClusterIdRegister(connection.OpenAsync), connection);
    }
}

/// <summary>A node's issuer, register and what keeps them working.</summary>
internal sealed record NodeAttestation(IAttestationIssuer Issuer, IClusterIdRegister Register, IAsyncDisposable? Lifetime) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        (Issuer as IDisposable)?.Dispose();
        if (Lifetime is not null)
        {
            await Lifetime.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Where the node's TPM is: a device (<c>/dev/tpmrm0</c>), a swtpm Unix socket (<c>swtpm:unix:&lt;path&gt;</c>) or a
/// swtpm TCP port (<c>swtpm:tcp:&lt;host&gt;:&lt;port&gt;</c>).
/// </summary>
internal sealed record TpmEndpoint(string Kind, string Target, int Port)
{
    public const string Expected = "/dev/tpmrm0 (or another device path), swtpm:unix:<socket path> or swtpm:tcp:<host>:<port>";

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
            if (colon > 0 && int.TryParse(rest[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
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
