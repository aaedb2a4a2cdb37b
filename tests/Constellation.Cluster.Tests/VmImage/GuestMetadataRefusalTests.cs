using System.Text.Json;
using Constellation.Cluster.Bootstrapper.Init;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// The metadata disk is unmeasured host input: a node whose metadata tries to set a measured setting, or whose address
/// is not one strict <c>A.B.C.D/NN</c> line, stops with one clear console line instead of starting with it.
/// </summary>
[NonParallelizable]
public class GuestMetadataRefusalTests
{
    [Test]
    public async Task Metadata_that_sets_a_measured_setting_stops_the_node_naming_the_key()
    {
        var console = await BootUntilStoppedAsync(network =>
        [
            ("address", network.GuestAddressWithPrefix + "\n"),
            ("bootstrapper.json", JsonSerializer.Serialize(new { Bootstrapper = new { NodeName = "guest-0", ListenAddress = network.GuestAddress.ToString(), Variant = "dummy" } })),
        ]);

        console.Should().Contain("--metadata").And.Contain("Bootstrapper:Variant").And.Contain("expected only the per-node settings");
        console.Should().Contain("CONSTELLATION-VM: bootstrapper exited 2").And.NotContain("CONSTELLATION-STATUS");
    }

    [TestCase("10.0.0.2/24; reboot")]
    [TestCase("10.0.0.2/24\n10.0.0.3/24")]
    public async Task A_malformed_address_stops_the_node_before_the_bootstrapper_starts(string address)
    {
        var console = await BootUntilStoppedAsync(network =>
        [
            ("address", address + "\n"),
            ("bootstrapper.json", JsonSerializer.Serialize(new { Bootstrapper = new { NodeName = "guest-0", ListenAddress = network.GuestAddress.ToString() } })),
        ]);

        console.Should().Contain("CONSTELLATION-VM: error: metadata disk: address: expected one line A.B.C.D/NN, got")
            .And.Contain("CONSTELLATION-VM: bootstrapper not started")
            .And.NotContain("starting constellation-bootstrapper");
    }

    private static async Task<string> BootUntilStoppedAsync(Func<VmNetwork, IReadOnlyList<(string Name, string Content)>> metadata)
    {
        var image = await VmImageBuild.SharedAsync();
        using var network = VmNetwork.Create();
        await using var node = await QemuNode.StartAsync(image, QemuNode.BootConfiguration(InitSecretHash.Hash("unused"u8, cost: 4)), metadata(network), network);
        (await node.WaitForExitAsync()).Should().Be(0, $"the guest resets after it stops; console:\n{node.Console}");
        node.Console.Should().Contain("CONSTELLATION-VM: TPM2_Shutdown(STATE) response 80010000000a00000000");
        return node.Console;
    }
}
