using System;
using System.Collections.Generic;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// A variant name or OID is not one of the known attestation variants. The message lists the known ones.
/// </summary>
public class UnknownVariantException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public UnknownVariantException()
        : this(string.Empty)
    {
    }

    /// <summary>Creates an exception for the given unknown name or OID.</summary>
    /// <param name="requested">The name or OID that was asked for.</param>
    public UnknownVariantException(string requested)
        : this(requested, AttestationVariant.All)
    {
    }

    /// <summary>Creates an exception for the given unknown name or OID, with a cause.</summary>
    /// <param name="requested">The name or OID that was asked for.</param>
    /// <param name="innerException">The underlying error.</param>
    public UnknownVariantException(string requested, Exception? innerException)
        : base(FormatMessage(requested, AttestationVariant.All), innerException)
    {
        Requested = requested ?? string.Empty;
        Known = AttestationVariant.All;
    }

    /// <summary>Creates an exception for a name, OID or config key that none of the given variants has.</summary>
    /// <param name="requested">The value that was asked for.</param>
    /// <param name="known">The variants that are known (e.g. a registry's).</param>
    public UnknownVariantException(string requested, IEnumerable<AttestationVariant> known)
        : this(requested, (known ?? throw new ArgumentNullException(nameof(known))).ToArray())
    {
    }

    private UnknownVariantException(string requested, AttestationVariant[] known)
        : base(FormatMessage(requested, known))
    {
        Requested = requested ?? string.Empty;
        Known = known;
    }

    /// <summary>Gets the name or OID that was asked for.</summary>
    public string Requested { get; }

    /// <summary>Gets the variants that were known (the library's, or the registry's that was asked).</summary>
    public IReadOnlyList<AttestationVariant> Known { get; }

    private static string FormatMessage(string? requested, IEnumerable<AttestationVariant> known) =>
        $"unknown attestation variant \"{requested}\"; known variants: "
        + string.Join(", ", known.Select(v => $"{v.Name} ({v.Oid})"));
}
