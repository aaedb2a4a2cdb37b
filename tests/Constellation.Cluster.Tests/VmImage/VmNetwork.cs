using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// The network one test VM gets: a namespace (unique per instance) holding a bridge, the tap device QEMU attaches the
/// guest's virtio NIC to, and one end of a veth pair whose other end stays on the host with <see cref="HostAddress"/>,
/// so the test reaches the guest's <see cref="GuestAddress"/> from the host side. Dispose removes the namespace (and
/// with it the tap, the bridge and the veth pair), also after a failed set-up.
/// </summary>
internal sealed class VmNetwork : IDisposable
{
    private VmNetwork(string prefix, int subnet)
    {
        Namespace = prefix + "ns";
        Tap = prefix + "tap";
        HostInterface = prefix + "h";
        HostAddress = IPAddress.Parse($"10.213.{subnet}.1");
        GuestAddress = IPAddress.Parse($"10.213.{subnet}.2");
    }

    /// <summary>Gets the namespace QEMU runs in.</summary>
    public string Namespace { get; }

    /// <summary>Gets the tap device inside the namespace.</summary>
    public string Tap { get; }

    /// <summary>Gets the host end of the veth pair.</summary>
    public string HostInterface { get; }

    /// <summary>Gets the host side's address.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>Gets the address the guest is given in its metadata.</summary>
    public IPAddress GuestAddress { get; }

    /// <summary>Gets the guest's address with its prefix, as the metadata disk's <c>address</c> holds it.</summary>
    public string GuestAddressWithPrefix => GuestAddress + "/24";

    /// <summary>Creates the namespace, bridge, tap and veth pair; fails loudly when ip is missing.</summary>
    public static VmNetwork Create()
    {
        var network = new VmNetwork("cq" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)), FreeSubnet());
        try
        {
            Ip("netns", "add", network.Namespace);
            Ip("-n", network.Namespace, "link", "add", "br0", "type", "bridge");
            Ip("-n", network.Namespace, "link", "set", "br0", "up");
            Ip("-n", network.Namespace, "tuntap", "add", "dev", network.Tap, "mode", "tap");
            Ip("-n", network.Namespace, "link", "set", network.Tap, "master", "br0");
            Ip("-n", network.Namespace, "link", "set", network.Tap, "up");
            Ip("link", "add", network.HostInterface, "type", "veth", "peer", "name", "uplink", "netns", network.Namespace);
            Ip("-n", network.Namespace, "link", "set", "uplink", "master", "br0");
            Ip("-n", network.Namespace, "link", "set", "uplink", "up");
            Ip("address", "add", network.HostAddress + "/24", "dev", network.HostInterface);
            Ip("link", "set", network.HostInterface, "up");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // Deleting the namespace deletes the veth pair's inner end and with it the host end.
        Run("ip", ["netns", "delete", Namespace], check: false);
        Run("ip", ["link", "delete", HostInterface], check: false);
    }

    /// <summary>A /24 in 10.213.0.0/16 that no host interface uses yet (tests of other fixtures may run at the same time).</summary>
    private static int FreeSubnet()
    {
        var used = Run("ip", ["-4", "-o", "address", "show"], check: true);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var subnet = RandomNumberGenerator.GetInt32(1, 255);
            if (!used.Contains($" 10.213.{subnet}.", StringComparison.Ordinal))
            {
                return subnet;
            }
        }

        throw new AssertionException("no free /24 in 10.213.0.0/16 for the test VM's network");
    }

    private static void Ip(params string[] arguments) => Run("ip", arguments, check: true);

    private static string Run(string file, string[] arguments, bool check)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new AssertionException($"{file} did not start (iproute2 is needed)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new AssertionException($"{file} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {error.Trim()}");
        }

        return output.Result;
    }
}
