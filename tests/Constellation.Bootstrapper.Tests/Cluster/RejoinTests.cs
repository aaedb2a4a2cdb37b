namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// A node restarted with its swtpm reset (PCRs fresh) and the same state disk rejoins: <c>IssueRejoinTicket</c> gives
/// it the disk key again, and cryptsetup itself proves that key opens the node's LUKS2 image, whose header is the same.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class RejoinTests
{
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task Create() => _cluster = await TestCluster.CreateAsync(addressBase: 20);

    [TearDown]
    public async Task Dispose() => await _cluster.DisposeAsync();

    [Test]
    public async Task A_node_rebooted_on_a_fresh_tpm_rejoins_with_the_same_disk_key_and_cryptsetup_opens_its_image_with_it()
    {
        var a = await _cluster.StartNodeAsync(0);
        await _cluster.InitAsync(a);
        var b = await _cluster.StartNodeAsync(1);
        await TestCluster.WaitForStateAsync(b, "joined");
        var uuid = TestCluster.LuksUuid(b);
        var key = _cluster.DiskKey(b);
        Cryptsetup.TestKey(b.DiskImage, key).Should().Be(0, "the premise: the joined node's disk opens with DEK(uuid)");

        await _cluster.RebootAsync(b);
        var rejoined = await TestCluster.WaitForStateAsync(b, "joined");

        b.Daemon!.ErrorLines.Should().Contain(l => l.Contains("rejoining", StringComparison.Ordinal), "it rejoined, it did not join as a new node");
        rejoined.GetProperty("clusterId").GetString().Should().Be(Convert.ToHexStringLower(_cluster.ClusterId!));
        TestCluster.LuksUuid(b).Should().Be(uuid, "the LUKS2 header was not reformatted");
        Cryptsetup.TestKey(b.DiskImage, key).Should().Be(0, "the key the rejoined node unlocked with is the cluster's DEK of its disk");
        var wrong = (byte[])key.Clone();
        wrong[^1] ^= 1;
        Cryptsetup.TestKey(b.DiskImage, wrong).Should().Be(2, "cryptsetup refuses any other key");
        (await _cluster.VerifyAsync(b)).Measurements[15].Should().Equal((await _cluster.VerifyAsync(a)).Measurements[15], "the fresh TPM holds the cluster ID again");
    }
}
