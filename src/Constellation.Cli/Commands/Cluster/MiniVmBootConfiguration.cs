using System.IO;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Variants;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// The cluster-wide configuration of a VM node's bootstrapper, <c>/etc/constellation/boot.json</c> in the cluster's
/// initramfs, so measured into PCR 9 with it: everything that decides what the node trusts and how it protects its
/// disk. Per-node settings come from the metadata disk, which the bootstrapper reads with <c>--metadata</c> and which
/// may set only the per-node keys.
/// </summary>
internal static class MiniVmBootConfiguration
{
    public static byte[] Create(AttestationVariantDefinition definition, string initSecretHash)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Bootstrapper");
            json.WriteString("Variant", definition.Variant.Name);
            json.WriteString("InitSecretHash", initSecretHash);
            json.WriteString("Tpm", "/dev/tpmrm0");
            json.WriteString("StateDirectory", "/run/constellation");
            json.WriteString("StateDisk", "/dev/vda");
            json.WriteString("MapStateDisk", "true");
            json.WriteString("StateDiskMapping", "state");
            json.WriteString("ClusterServicesPath", "/usr/bin/constellation-cluster-services");
            json.WriteString("AttestationConfig", "/run/metadata/attestation-config.json");
            json.WriteString("RetryIntervalSeconds", "1");

            // The cluster store on the image's etcd (a member on every control plane) and the node VPN on the guest
            // kernel's own WireGuard (the image's iproute2 creates the interface; wireguard-go is not in the image).
            json.WriteString("ClusterStore", "true");
            json.WriteString("EtcdPath", "/usr/bin/etcd");
            json.WriteString("Vpn", "true");
            json.WriteString("VpnPollSeconds", "1");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The debug image's <c>/etc/constellation/debugd.json</c>: debugd attests with the node's vTPM, admits only the
    /// cluster's debug key (baked in beside it) and runs the bootstrapper as <c>/init</c> would; its listen address is
    /// the node address, which <c>/init</c> passes from the checked metadata.
    /// </summary>
    public static byte[] Debugd()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Debugd");
            json.WriteString("Variant", AttestationVariant.QemuVtpm.Name);
            json.WriteString("Tpm", "/dev/tpmrm0");
            json.WriteString("AuthorizedKey", "/etc/constellation/debug-key.pub.pem");
            json.WriteString("BootstrapperPath", "/usr/bin/constellation-bootstrapper");
            json.WriteStartArray("BootstrapperArguments");
            foreach (var argument in new[] { "--config", "/etc/constellation/boot.json", "--metadata", "/run/metadata/bootstrapper.json" })
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
