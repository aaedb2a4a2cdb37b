using Constellation.Cluster.Protos.Admin;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>
/// The admin API checks a policy before publishing it: another variant, no JSON, unparseable JSON, no measurements, a
/// measurement of the wrong length are each refused with InvalidArgument naming the field, and nothing is published.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class JoinPolicyRefusalTests : UpgradeableClusterFixture
{
    private const string Pcr = "\"0000000000000000000000000000000000000000000000000000000000000000\"";
    [Test]
    public async Task A_policy_for_another_variant_is_refused_naming_the_variant() =>
        await ShouldBeRefusedAsync("aws-sev-snp", "{\"measurements\":{\"4\":{\"expected\":" + Pcr + ",\"warnOnly\":false}}}", "variant: expected qemu-vtpm (this cluster's), got aws-sev-snp");

    [Test]
    public async Task A_policy_without_a_variant_is_refused_naming_the_variant() =>
        await ShouldBeRefusedAsync("", "{}", "variant: expected qemu-vtpm (this cluster's), got none");

    [Test]
    public async Task An_empty_policy_is_refused_naming_the_attestation_config() =>
        await ShouldBeRefusedAsync("qemu-vtpm", "", "attestationConfig: expected the qemu-vtpm attestation config as JSON, got 0 bytes");

    [Test]
    public async Task Unparseable_json_is_refused_naming_the_attestation_config() =>
        await ShouldBeRefusedAsync("qemu-vtpm", "{\"measurements\":", "attestationConfig: ");

    [Test]
    public async Task A_policy_without_measurements_is_refused_naming_the_measurements() =>
        await ShouldBeRefusedAsync("qemu-vtpm", "{\"measurements\":{}}", "attestationConfig.measurements: expected at least one measurement, got none");

    [Test]
    public async Task A_measurement_of_the_wrong_length_is_refused_naming_the_measurements() =>
        await ShouldBeRefusedAsync("qemu-vtpm", "{\"measurements\":{\"4\":{\"expected\":\"" + new string('a', 96) + "\",\"warnOnly\":false}}}", "qemuVTPM.measurements: expected 32-byte values for qemu-vtpm, got 48-byte values");

    private async Task ShouldBeRefusedAsync(string variant, string json, string named)
    {
        using var credential = Cluster.AdminCredential();
        using var channel = Cluster.AdminChannel(credential);
        var request = new SetJoinPolicyRequest { Variant = variant, AttestationConfig = ByteString.CopyFromUtf8(json) };

        var apply = async () => await new AdminAPI.AdminAPIClient(channel).SetJoinPolicyAsync(request, deadline: DateTime.UtcNow.Add(UpgradeableCluster.Bound));

        var refused = (await apply.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.InvalidArgument);
        refused.Status.Detail.Should().Contain(named);
        (await File.ReadAllBytesAsync(Cluster.PolicyFile)).Should().Equal(Published, "a refused policy publishes nothing");
        Cluster.Policy.Current.Generation.Should().Be(1);
    }
}
