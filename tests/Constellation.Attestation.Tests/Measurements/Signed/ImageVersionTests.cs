using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Attestation.Tests.Measurements.Signed;

public class ImageVersionTests
{
    [Test]
    public void A_release_version_maps_to_ref_dash_and_stream_stable()
    {
        var image = ImageVersion.Parse("v2.16.3");

        (image.Ref, image.Stream, image.Version, image.IsRelease).Should().Be(("-", "stable", "v2.16.3", true));
        image.MeasurementsPath().Should().Be("constellation/v2/ref/-/stream/stable/v2.16.3/image/measurements.json");
    }

    [Test]
    public void A_development_version_keeps_its_ref_and_stream()
    {
        var image = ImageVersion.Parse("ref/feat-x/stream/nightly/v2.17.0-pre.0.20240101000000-abcdef");

        (image.Ref, image.Stream, image.IsRelease).Should().Be(("feat-x", "nightly", false));
        image.ToString().Should().Be("ref/feat-x/stream/nightly/v2.17.0-pre.0.20240101000000-abcdef");
    }

    [TestCase("2.16.3")]
    [TestCase("v2.16")]
    [TestCase("ref/x/v2.16.3")]
    [TestCase("")]
    public void Malformed_image_versions_are_rejected(string image)
    {
        var act = () => ImageVersion.Parse(image);

        act.Should().Throw<AttestationFormatException>();
    }

    [TestCase("v2.16.3", "v2.16.10", -1)]
    [TestCase("v2.9.0", "v2.10.0", -1)]
    [TestCase("v2.10.0-pre.1", "v2.10.0", -1)]
    [TestCase("v2.10.0-pre.2", "v2.10.0-pre.10", -1)]
    [TestCase("v3.0.0", "v2.99.99", 1)]
    [TestCase("v2.1.0", "v2.1.0", 0)]
    public void Versions_are_ordered_by_semantic_version_precedence(string left, string right, int sign)
    {
        Math.Sign(ImageVersion.Parse(left).CompareTo(ImageVersion.Parse(right))).Should().Be(sign);
    }
}
