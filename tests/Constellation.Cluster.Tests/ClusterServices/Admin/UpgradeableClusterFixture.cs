namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>A fixture over one <see cref="UpgradeableCluster"/> and the policy file as it was published at start (to prove a refusal published nothing).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class UpgradeableClusterFixture
{
    private protected UpgradeableCluster Cluster { get; private set; } = null!;

    private protected byte[] Published { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        Cluster = await UpgradeableCluster.StartAsync();
        Published = await File.ReadAllBytesAsync(Cluster.PolicyFile);
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await Cluster.DisposeAsync();
}
