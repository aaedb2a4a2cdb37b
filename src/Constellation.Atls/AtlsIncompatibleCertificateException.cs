using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Constellation.Atls;

/// <summary>
/// The peer certificate carries no extension whose OID matches a configured validator, so there is nothing to
/// validate. <see cref="PresentOids"/> lists the extension OIDs that were present, in certificate order.
/// </summary>
public class AtlsIncompatibleCertificateException : AtlsException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AtlsIncompatibleCertificateException()
        : base("certificate does not contain compatible attestation documents")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AtlsIncompatibleCertificateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AtlsIncompatibleCertificateException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the OIDs that were present and the ones that were accepted.</summary>
    /// <param name="presentOids">The certificate's extension OIDs, in order.</param>
    /// <param name="acceptedOids">The OIDs of the configured validators.</param>
    public AtlsIncompatibleCertificateException(IEnumerable<string> presentOids, IEnumerable<string> acceptedOids)
        : this(presentOids.ToImmutableArrayOrEmpty(), acceptedOids.ToImmutableArrayOrEmpty())
    {
    }

    private AtlsIncompatibleCertificateException(ImmutableArray<string> present, ImmutableArray<string> accepted)
        : base($"certificate does not contain compatible attestation documents: got extension OIDs [{string.Join(' ', present)}], accepted [{string.Join(' ', accepted)}]")
    {
        PresentOids = present;
        AcceptedOids = accepted;
    }

    /// <summary>Gets the extension OIDs that the certificate carried, in order.</summary>
    public ImmutableArray<string> PresentOids { get; } = ImmutableArray<string>.Empty;

    /// <summary>Gets the OIDs the verifier had validators for.</summary>
    public ImmutableArray<string> AcceptedOids { get; } = ImmutableArray<string>.Empty;
}

internal static class EnumerableExtensions
{
    public static ImmutableArray<string> ToImmutableArrayOrEmpty(this IEnumerable<string>? values) =>
        values is null ? ImmutableArray<string>.Empty : values.ToImmutableArray();
}
