using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Config;

/// <summary>The provider section and node-group defaults <see cref="ConstellationConfigFile.Generate"/> writes per provider.</summary>
internal sealed class ProviderProfile
{
    private ProviderProfile(string key, string instanceType, string diskType, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        Key = key;
        InstanceType = instanceType;
        DiskType = diskType;
        Fields = fields;
    }

    public string Key { get; }

    public string InstanceType { get; }

    public string DiskType { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public static ProviderProfile For(CloudProvider provider) => provider switch
    {
        CloudProvider.Aws => new("aws", "m6a.xlarge", "gp3", [
            new("region", "\"\""), new("zone", "\"\""), new("iamProfileControlPlane", "\"\""), new("iamProfileWorkerNodes", "\"\""),
            new("deployCSIDriver", "true"), new("useMarketplaceImage", "false")]),
        CloudProvider.Azure => new("azure", "Standard_DC4as_v5", "Premium_LRS", [
            new("subscription", "\"\""), new("tenant", "\"\""), new("location", "\"\""), new("resourceGroup", "\"\""),
            new("userAssignedIdentity", "\"\""), new("deployCSIDriver", "true"), new("secureBoot", "false"), new("useMarketplaceImage", "false")]),
        CloudProvider.Gcp => new("gcp", "n2d-standard-4", "pd-ssd", [
            new("project", "\"\""), new("region", "\"\""), new("zone", "\"\""), new("serviceAccountKeyPath", "\"\""),
            new("IAMServiceAccountVM", "\"\""), new("deployCSIDriver", "true"), new("useMarketplaceImage", "false")]),
        CloudProvider.OpenStack => new("openstack", "\"\"", "\"\"", [
            new("cloud", "\"\""), new("availabilityZone", "\"\""), new("floatingIPPoolID", "\"\""), new("deployYawolLoadBalancer", "true")]),
        CloudProvider.Qemu => new("qemu", "none", "default", [
            new("imageFormat", "raw"), new("vcpus", "2"), new("memory", "2048"), new("metadataAPIServer", "\"\""),
            new("libvirtSocket", "\"\""), new("firmware", "\"\"")]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "no cluster configuration exists for this provider"),
    };
}
