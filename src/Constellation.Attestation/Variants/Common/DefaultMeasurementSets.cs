using System.Collections.Generic;
using System.Linq;

namespace Constellation.Attestation.Variants.Common;

/// <summary>
/// Builds a variant's default measurements as Constellation's open-source defaults table does: the image-specific
/// registers hold the placeholder <c>12 34 12 34 …</c>, the registers that must stay untouched are all-zero; all enforced.
/// </summary>
internal static class DefaultMeasurementSets
{
    public static MeasurementSet Build(int length, uint[] placeholders, uint[] zeros)
    {
        var placeholder = Enumerable.Range(0, length).Select(i => (byte)(i % 2 == 0 ? 0x12 : 0x34)).ToArray();
        var entries = new List<KeyValuePair<uint, Measurement>>();
        entries.AddRange(placeholders.Select(i => new KeyValuePair<uint, Measurement>(i, new Measurement(placeholder))));
        entries.AddRange(zeros.Select(i => new KeyValuePair<uint, Measurement>(i, new Measurement(new byte[length]))));
        return new MeasurementSet(entries);
    }
}
