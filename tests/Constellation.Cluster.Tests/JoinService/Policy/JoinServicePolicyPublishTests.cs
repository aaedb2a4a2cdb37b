using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Cluster.JoinService.Policy;

namespace Constellation.Cluster.Tests.JoinService.Policy;

/// <summary>A published policy is the variant's config as JSON under <c>attestationConfig</c>, as the join service reads it.</summary>
public class JoinServicePolicyPublishTests
{
    [Test]
    public async Task A_published_policy_reads_back_as_the_same_config_through_the_configmap_link()
    {
        var dir = Directory.CreateTempSubdirectory("join-config-").FullName;
        try
        {
            var measurements = new MeasurementSet([KeyValuePair.Create(4u, new Measurement(Enumerable.Repeat((byte)0x42, 32).ToArray()))]);
            var config = new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, measurements);

            var path = await JoinServicePolicy.PublishAsync(new ConfigMapDirectory(dir), config);

            path.Should().Be(Path.Combine(dir, JoinServicePolicy.AttestationConfigFileName));
            new FileInfo(path).LinkTarget.Should().NotBeNull("the kubelet's layout: the key is a link into the ..data version");
            AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, await File.ReadAllBytesAsync(path)).Measurements.Should().Equal(measurements);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
