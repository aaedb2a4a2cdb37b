using Constellation.Tests;

namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// Everything both daemons write (the bootstrappers' and their cluster-services child's logs, the status files) and
/// everything the CLI prints, through init, join, rejoin and recovery, holds none of the master secret, the disk keys
/// and the init secret, in any encoding a careless message would use.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class SecretHygieneTests
{
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task Create() => _cluster = await TestCluster.CreateAsync(addressBase: 50);

    [TearDown]
    public async Task Dispose() => await _cluster.DisposeAsync();

    [Test]
    public async Task No_output_of_the_daemons_or_the_cli_holds_the_master_secret_a_disk_key_or_the_init_secret()
    {
        var a = await _cluster.StartNodeAsync(0);
        await _cluster.InitAsync(a);
        var b = await _cluster.StartNodeAsync(1);
        await TestCluster.WaitForStateAsync(b, "joined");
        var statusFiles = new List<string> { await File.ReadAllTextAsync(a.StatusPath), await File.ReadAllTextAsync(b.StatusPath) };
        await _cluster.RebootAsync(b);
        await TestCluster.WaitForStateAsync(b, "joined");
        await TestCluster.StopAsync(a);
        await _cluster.RebootAsync(b);
        var endpoint = (await TestCluster.WaitForStateAsync(b, "recovering")).GetProperty("recoveryEndpoint").GetString()!;
        var recover = await _cluster.RunCliAsync("recover", "--endpoint", endpoint, "--master-secret", _cluster.MasterSecretFile, "--variant", "qemu-vtpm", "--measurements", _cluster.MeasurementsFile);
        recover.ExitCode.Should().Be(0, recover.Log);
        await TestCluster.WaitForStateAsync(b, "joined");
        statusFiles.Add(await File.ReadAllTextAsync(b.StatusPath));
        await TestCluster.StopAsync(b);

        var scanner = new SecretScanner()
            .Add("master secret key", _cluster.Master.Key.Span)
            .Add("master secret salt", _cluster.Master.Salt.Span)
            .Add("init secret", _cluster.InitSecret)
            .Add("disk key of node-0", _cluster.DiskKey(a))
            .Add("disk key of node-1", _cluster.DiskKey(b));
        var output = _cluster.Processes.SelectMany(p => new[] { p.Log, p.Output }).Concat(statusFiles).ToList();

        output.Sum(o => o.Length).Should().BeGreaterThan(1000, "the scan covers real logs");
        _cluster.Processes.Should().Contain(p => p.Log.Contains("cluster services serving", StringComparison.Ordinal), "the cluster services' log is scanned too");
        scanner.FindIn(SecretScanner.Join(output)).Should().BeEmpty();
    }
}
