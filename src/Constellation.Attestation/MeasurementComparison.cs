using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// The outcome of comparing reported measurements with a <see cref="MeasurementSet"/>: every mismatch, enforced or warn-only.
/// </summary>
public sealed class MeasurementComparison
{
    internal MeasurementComparison(IEnumerable<MeasurementMismatch> mismatches)
    {
        Mismatches = mismatches.ToImmutableArray();
    }

    /// <summary>Gets the comparison in which everything matched (shared: immutable).</summary>
    internal static MeasurementComparison NoMismatches { get; } = new([]);

    /// <summary>Gets every mismatch, in ascending index order.</summary>
    public ImmutableArray<MeasurementMismatch> Mismatches { get; }

    /// <summary>Gets the mismatches that fail validation.</summary>
    public IEnumerable<MeasurementMismatch> Failures => Mismatches.Where(m => !m.WarnOnly);

    /// <summary>Gets the mismatches that are only warnings.</summary>
    public IEnumerable<MeasurementMismatch> Warnings => Mismatches.Where(m => m.WarnOnly);

    /// <summary>Gets a value indicating whether no enforced measurement mismatched.</summary>
    public bool Succeeded => !Failures.Any();

    /// <summary>Throws when an enforced measurement mismatched.</summary>
    /// <exception cref="MeasurementMismatchException">At least one enforced mismatch; the exception lists all of them.</exception>
    public void ThrowIfFailed()
    {
        if (!Mismatches.IsEmpty && !Succeeded)
        {
            throw new MeasurementMismatchException(Mismatches);
        }
    }
}
