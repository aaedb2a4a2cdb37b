using System;
using System.Collections.Generic;
using System.Linq;

namespace Constellation.Attestation.Measurements.Defaults;

/// <summary>
/// The measurements the library ships per variant, as Constellation's open-source defaults table has them:
/// image-specific registers hold the placeholder <c>1234…</c> (replace them with the signed values of the
/// image, e.g. <c>constellation config fetch-measurements</c>), registers that must stay untouched are
/// all-zero and enforced.
/// </summary>
/// <remarks>
/// vTPM variants: PCR 4, 9 and 12 placeholder; PCR 8, 11, 13 and 15 (cluster ID, before init/join) zero.
/// qemu-tdx: indices 0 (MRTD), 1, 2 and 4 (RTMR0, 1, 3) placeholder; index 3 (RTMR2, cluster ID) zero.
/// dummy: none. Every entry is enforced.
/// </remarks>
public static class DefaultMeasurements
{
    private static readonly uint[] VtpmPlaceholders = [4, 9, 12];
    private static readonly uint[] VtpmZeros = [8, 11, 13, 15];
    private static readonly uint[] TdxPlaceholders = [0, 1, 2, 4];
    private static readonly uint[] TdxZeros = [3];

    /// <summary>Gets the default measurements of a variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns>A new set.</returns>
    public static MeasurementSet For(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant.Family switch
        {
            EvidenceFamily.Dummy => MeasurementSet.Empty,
            EvidenceFamily.Tdx => Build(Measurement.Sha384Length, TdxPlaceholders, TdxZeros),
            _ => Build(Measurement.Sha256Length, VtpmPlaceholders, VtpmZeros),
        };
    }

    /// <summary>Gets the placeholder value (<c>12 34 12 34 …</c>) of the given length.</summary>
    /// <param name="length">32 or 48.</param>
    /// <returns>The placeholder bytes.</returns>
    public static byte[] Placeholder(int length) =>
        Enumerable.Range(0, length).Select(i => (byte)(i % 2 == 0 ? 0x12 : 0x34)).ToArray();

    private static MeasurementSet Build(int length, uint[] placeholders, uint[] zeros)
    {
        var entries = new List<KeyValuePair<uint, Measurement>>();
        entries.AddRange(placeholders.Select(i => new KeyValuePair<uint, Measurement>(i, new Measurement(Placeholder(length)))));
        entries.AddRange(zeros.Select(i => new KeyValuePair<uint, Measurement>(i, new Measurement(new byte[length]))));
        return new MeasurementSet(entries);
    }
}
