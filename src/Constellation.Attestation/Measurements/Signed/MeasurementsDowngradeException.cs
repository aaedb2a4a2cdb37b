using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// A correctly signed measurements file is for an older image version than the one requested: a replay of old
/// measurements that would let nodes with an outdated (possibly vulnerable) image join. Carries every violation found.
/// </summary>
public class MeasurementsDowngradeException : AttestationPolicyException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public MeasurementsDowngradeException()
        : base("The measurements file is for an older image version than requested.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public MeasurementsDowngradeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public MeasurementsDowngradeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing every violation (the version violation among them).</summary>
    /// <param name="violations">Every violation found.</param>
    public MeasurementsDowngradeException(IEnumerable<PolicyViolation> violations)
        : base(violations)
    {
    }
}
