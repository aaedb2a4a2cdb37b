using System.Security.Cryptography;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Tests.Daemons;

namespace Constellation.ClusterServices.Tests;

/// <summary>
/// <c>constellation-cluster-services</c> refuses, before it serves anything, a variant whose validator it cannot build
/// here (the definition's reason, naming the missing service) and a name the registry does not know: exit 2 and one line.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BadConfigurationTests
{
    private string _dir = null!;

    [SetUp]
    public async Task CreateState()
    {
        _dir = Directory.CreateTempSubdirectory("cluster-services-config-").FullName;
        using var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        await ClusterServicesState.CreateAsync(State, MasterSecret.Generate(), ca, "node-0", StateDiskUuid.Parse(Guid.NewGuid().ToString()));
        await File.WriteAllTextAsync(Policy, "{}");
    }

    [TearDown]
    public void RemoveState() => Directory.Delete(_dir, recursive: true);

    private string State => Path.Combine(_dir, "state");

    private string Policy => Path.Combine(_dir, "attestationConfig");

    [TestCase("gcp-sev-es", "gcp-sev-es, which it cannot: gcp-sev-es validation needs", "GceShieldedIdentity")]
    [TestCase("aws-nitro-tpm", "aws-nitro-tpm, which it cannot: aws-nitro-tpm validation needs", "Ec2Clients")]
    [TestCase("qemu-vtmp", "a variant of the registry: dummy, ", "\"qemu-vtmp\"")]
    public async Task A_variant_the_join_service_cannot_validate_here_is_refused_naming_what_is_missing(string variant, string expected, string missing)
    {
        var daemon = await DaemonProcess.RunAsync(RunningClusterServices.ClusterServicesDll, Args(variant), RunningClusterServices.Bound);

        daemon.ExitCode.Should().Be(2, daemon.Log);
        daemon.ErrorLines.Should().ContainSingle(daemon.Log);
        daemon.ErrorLines[0].Should().StartWith("constellation-cluster-services: invalid configuration: ClusterServices:Variant (--variant): expected ")
            .And.Contain(expected).And.Contain(missing);
        File.Exists(Path.Combine(State, "status.json")).Should().BeFalse("nothing started");
    }

    private string[] Args(string variant) =>
    [
        "--variant", variant, "--state-directory", State, "--listen-address", Loopback.Address(2), "--attestation-config", Policy,
        "--measurement-salt", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    ];
}
