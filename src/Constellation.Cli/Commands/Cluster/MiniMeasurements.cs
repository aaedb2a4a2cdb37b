using System.IO;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// <c>mini measurements</c>: what a node of this cluster booted from another node image would measure (the same
/// computation <c>mini up</c> publishes as the cluster's policy), as the image <c>measurements.json</c> for the
/// cluster's image, CSP and variant, so that <c>upgrade apply --measurements</c> takes it once it is signed.
/// </summary>
internal static class MiniMeasurements
{
    /// <exception cref="UnusableInputException">The cluster measures nothing (dummy) or has no usable configuration.</exception>
    public static string For(string root, MiniClusterState state, string bootstrapperDirectory)
    {
        if (!state.MeasuredLaunch)
        {
            throw new UnusableInputException(
                $"the cluster's variant {state.Variant}: expected a variant whose nodes are measured at launch, got one that measures nothing",
                "a cluster started with --variant qemu-vtpm has measurements");
        }

        var path = MiniLayout.ConfigFile(root);
        ConstellationConfigFile config;
        ImageVersion image;
        try
        {
            config = ConstellationConfigFile.Parse(InputFile.ReadText(path, "cluster configuration", InputCap.ConfigFile), CliVariants.Registry);
            image = ImageVersion.Parse(config.Image);
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"cluster configuration {path}: {ex.Message}", "it is the file `mini up` wrote; restore it or start a new cluster");
        }

        var measurements = MiniNodeLauncher.ExpectedMeasurements(root, bootstrapperDirectory);
        return ImageMeasurementsFile.Create(image, config.Provider, config.Attestation.Variant, measurements);
    }
}
