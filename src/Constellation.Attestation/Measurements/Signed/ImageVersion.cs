using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// A Constellation OS image version: <c>ref</c>, <c>stream</c> and semantic <c>version</c>. Release images are written
/// as the bare version (<c>v2.16.3</c> = ref <c>-</c>, stream <c>stable</c>); others as
/// <c>ref/&lt;ref&gt;/stream/&lt;stream&gt;/&lt;version&gt;</c>.
/// </summary>
public sealed partial class ImageVersion : IEquatable<ImageVersion>, IComparable<ImageVersion>
{
    /// <summary>The ref of release images.</summary>
    public const string ReleaseRef = "-";

    /// <summary>The stream of release images.</summary>
    public const string StableStream = "stable";

    private ImageVersion(string @ref, string stream, string version)
    {
        Ref = @ref;
        Stream = stream;
        Version = version;
    }

    /// <summary>Gets the ref (<c>-</c> for releases, otherwise a branch name).</summary>
    public string Ref { get; }

    /// <summary>Gets the stream (<c>stable</c>, <c>nightly</c>, <c>debug</c>, ...).</summary>
    public string Stream { get; }

    /// <summary>Gets the semantic version with a leading <c>v</c>, e.g. <c>v2.16.3</c>.</summary>
    public string Version { get; }

    /// <summary>Gets a value indicating whether this is a release image (ref <c>-</c>, stream <c>stable</c>).</summary>
    public bool IsRelease => Ref == ReleaseRef && Stream == StableStream;

    /// <summary>Creates an image version from its parts.</summary>
    /// <param name="ref">The ref.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="version">The semantic version with a leading <c>v</c>.</param>
    /// <returns>The image version.</returns>
    /// <exception cref="AttestationFormatException">A part is empty, contains a slash, or the version is not semantic.</exception>
    public static ImageVersion Create(string @ref, string stream, string version)
    {
        CheckSegment("ref", @ref);
        CheckSegment("stream", stream);
        ArgumentNullException.ThrowIfNull(version);
        if (!SemVer().IsMatch(version))
        {
            throw new AttestationFormatException($"image version: expected a semantic version like v2.16.3, got \"{version}\"");
        }

        return new ImageVersion(@ref, stream, version);
    }

    /// <summary>Parses the <c>image</c> value of a Constellation config.</summary>
    /// <param name="image">A release version (<c>v2.16.3</c>) or <c>ref/&lt;ref&gt;/stream/&lt;stream&gt;/&lt;version&gt;</c>.</param>
    /// <returns>The image version.</returns>
    /// <exception cref="AttestationFormatException">The value has neither shape.</exception>
    public static ImageVersion Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var parts = image.Split('/');
        if (parts.Length == 1)
        {
            return Create(ReleaseRef, StableStream, image);
        }

        if (parts.Length == 5 && parts[0] == "ref" && parts[2] == "stream")
        {
            return Create(parts[1], parts[3], parts[4]);
        }

        throw new AttestationFormatException($"image version: expected v<major>.<minor>.<patch> or ref/<ref>/stream/<stream>/<version>, got \"{image}\"");
    }

    /// <summary>Gets the path of the measurements file below the CDN root, e.g. <c>constellation/v2/ref/-/stream/stable/v2.16.3/image/measurements.json</c>.</summary>
    /// <returns>The relative path.</returns>
    public string MeasurementsPath() =>
        $"constellation/v2/ref/{Uri.EscapeDataString(Ref)}/stream/{Uri.EscapeDataString(Stream)}/{Uri.EscapeDataString(Version)}/image/measurements.json";

    /// <summary>Orders versions by semantic version precedence (ref and stream are not compared).</summary>
    /// <param name="other">The other version.</param>
    /// <returns>Negative when this version is older.</returns>
    public int CompareTo(ImageVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var a = SemVer().Match(Version);
        var b = SemVer().Match(other.Version);
        for (var group = 1; group <= 3; group++)
        {
            var cmp = ulong.Parse(a.Groups[group].Value, CultureInfo.InvariantCulture).CompareTo(ulong.Parse(b.Groups[group].Value, CultureInfo.InvariantCulture));
            if (cmp != 0)
            {
                return cmp;
            }
        }

        return ComparePrerelease(a.Groups[4].Value, b.Groups[4].Value);
    }

    /// <inheritdoc />
    public bool Equals(ImageVersion? other) =>
        other is not null && Ref == other.Ref && Stream == other.Stream && Version == other.Version;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ImageVersion);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Ref, Stream, Version);

    /// <summary>Returns the config form: the bare version for releases, otherwise <c>ref/…/stream/…/version</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsRelease ? Version : $"ref/{Ref}/stream/{Stream}/{Version}";

    /// <summary>Compares by version precedence.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether <paramref name="left"/> is older.</returns>
    public static bool operator <(ImageVersion? left, ImageVersion? right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Compares by version precedence.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether <paramref name="left"/> is newer.</returns>
    public static bool operator >(ImageVersion? left, ImageVersion? right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Compares by version precedence.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether <paramref name="left"/> is older or equal.</returns>
    public static bool operator <=(ImageVersion? left, ImageVersion? right) => !(left > right);

    /// <summary>Compares by version precedence.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether <paramref name="left"/> is newer or equal.</returns>
    public static bool operator >=(ImageVersion? left, ImageVersion? right) => !(left < right);

    /// <summary>Compares two image versions for equality.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether ref, stream and version are equal.</returns>
    public static bool operator ==(ImageVersion? left, ImageVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two image versions for inequality.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(ImageVersion? left, ImageVersion? right) => !(left == right);

    private static int ComparePrerelease(string a, string b)
    {
        // Semantic versioning: a version without pre-release identifiers is newer than one with.
        if (a.Length == 0 || b.Length == 0)
        {
            return (a.Length == 0, b.Length == 0) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                _ => -1,
            };
        }

        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var leftNumeric = ulong.TryParse(left[i], NumberStyles.None, CultureInfo.InvariantCulture, out var l);
            var rightNumeric = ulong.TryParse(right[i], NumberStyles.None, CultureInfo.InvariantCulture, out var r);
            var cmp = (leftNumeric, rightNumeric) switch
            {
                (true, true) => l.CompareTo(r),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(left[i], right[i]),
            };
            if (cmp != 0)
            {
                return cmp;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private static void CheckSegment(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
        {
            throw new AttestationFormatException($"image version: expected a non-empty {name} without '/', got \"{value}\"");
        }
    }

    [GeneratedRegex(@"^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemVer();
}
