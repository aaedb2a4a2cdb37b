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
        : base(FormatMessage(requested))
    {
        Requested = requested ?? string.Empty;
    }

    /// <summary>Creates an exception for the given unknown name or OID, with a cause.</summary>
    /// <param name="requested">The name or OID that was asked for.</param>
    /// <param name="innerException">The underlying error.</param>
    public UnknownVariantException(string requested, Exception? innerException)
        : base(FormatMessage(requested), innerException)
    {
        Requested = requested ?? string.Empty;
    }

    /// <summary>Gets the name or OID that was asked for.</summary>
    public string Requested { get; }

    /// <summary>Gets the variants that are known.</summary>
    public static IReadOnlyList<AttestationVariant> Known => AttestationVariant.All;

    private static string FormatMessage(string? requested) =>
        $"unknown attestation variant \"{requested}\"; known variants: "
        + string.Join(", ", AttestationVariant.All.Select(v => $"{v.Name} ({v.Oid})"));
}
