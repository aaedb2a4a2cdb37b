using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// At least one enforced measurement differs from its expected value. Lists every mismatch, enforced and warn-only.
/// </summary>
public class MeasurementMismatchException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public MeasurementMismatchException()
        : base("measurement validation failed")
    {
        Mismatches = ImmutableArray<MeasurementMismatch>.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public MeasurementMismatchException(string message)
        : base(message)
    {
        Mismatches = ImmutableArray<MeasurementMismatch>.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public MeasurementMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Mismatches = ImmutableArray<MeasurementMismatch>.Empty;
    }

    /// <summary>Creates an exception listing the mismatches.</summary>
    /// <param name="mismatches">Every mismatch found (enforced and warn-only).</param>
    public MeasurementMismatchException(IEnumerable<MeasurementMismatch> mismatches)
        : this(mismatches?.ToImmutableArray() ?? throw new ArgumentNullException(nameof(mismatches)))
    {
    }

    private MeasurementMismatchException(ImmutableArray<MeasurementMismatch> mismatches)
        : base("measurement validation failed: " + string.Join("; ", mismatches.Where(m => !m.WarnOnly).Select(m => m.ToString())))
    {
        Mismatches = mismatches;
    }

    /// <summary>Gets every mismatch found, enforced and warn-only, in ascending index order.</summary>
    public ImmutableArray<MeasurementMismatch> Mismatches { get; }

    /// <summary>Gets the register indices whose enforced measurement failed.</summary>
    public IEnumerable<uint> FailedIndices => Mismatches.Where(m => !m.WarnOnly).Select(m => m.Index);
}
