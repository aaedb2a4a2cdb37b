using System;
using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;

namespace Constellation.Atls;

/// <summary>What verifying an aTLS peer established.</summary>
public sealed class AtlsPeer
{
    internal AtlsPeer(X509Certificate2 certificate, ImmutableArray<string> extensionOids, byte[] publicKeyHash, AttestationValidationResult? attestation)
    {
        Certificate = certificate;
        ExtensionOids = extensionOids;
        PublicKeyHash = publicKeyHash;
        Attestation = attestation;
    }

    /// <summary>Gets the peer's certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets the OIDs of the certificate's extensions, in order.</summary>
    public ImmutableArray<string> ExtensionOids { get; }

    /// <summary>Gets SHA-256 of the certificate's DER SubjectPublicKeyInfo (the user data the document had to bind).</summary>
    public ReadOnlyMemory<byte> PublicKeyHash { get; }

    /// <summary>Gets the validator's result, or <see langword="null"/> when the peer was not verified (no-verify mode).</summary>
    public AttestationValidationResult? Attestation { get; }

    /// <summary>Gets a value indicating whether the peer's attestation was validated.</summary>
    public bool IsAttested => Attestation is not null;
}
