using System;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Cli.Commands.Atls;

/// <summary>Maps a variant name or OID to the issuer and validator this build can offer for aTLS.</summary>
internal static class AtlsVariantSupport
{
    public static AttestationVariant ParseVariant(string nameOrOid) => AttestationVariant.Parse(nameOrOid);

    public static IAttestationIssuer CreateIssuer(AttestationVariant variant) =>
        variant == AttestationVariant.Dummy
            ? new DummyIssuer()
            : throw new NotSupportedException($"variant {variant.Name}: issuing evidence needs the variant's hardware; this tool can only issue dummy documents");

    public static IAttestationValidator CreateValidator(AttestationVariant variant) =>
        variant == AttestationVariant.Dummy
            ? new DummyValidator()
            : throw new NotSupportedException($"variant {variant.Name}: no validator for this variant is available in this build of the aTLS tools yet");
}
