using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Variants.Common.Vtpm;

/// <summary>
/// go-tpm-tools' <c>AttestationKeyRSA</c>, which the AWS issuers use: the key cached at persistent handle
/// <c>0x81008F01</c> when what is there was made from the RSA AK template (same type, name algorithm, attributes,
/// policy, scheme and size), otherwise the template's primary key of the owner hierarchy (deterministic per TPM, so the
/// same key), used transiently and flushed.
/// </summary>
internal static class GoTpmToolsAttestationKey
{
    public static async ValueTask<VtpmIssuerKey> LoadRsaAsync(TpmClient tpm, CancellationToken cancellationToken)
    {
        var template = TpmPublic.RsaAttestationKeyTemplate();
        try
        {
            var cached = await tpm.ReadPublicAsync(TpmHandles.DefaultRsaAttestationKey, cancellationToken).ConfigureAwait(false);
            if (MadeFrom(cached.Public, template))
            {
                return new VtpmIssuerKey(cached, ReadOnlyMemory<byte>.Empty, FlushAfterUse: false);
            }
        }
        catch (TpmCommandException ex) when (TpmHandleErrors.IsMissingHandle(ex))
        {
            // Nothing cached: create it below.
        }

        var created = await tpm.CreatePrimaryAsync(TpmHandles.Owner, template, cancellationToken).ConfigureAwait(false);
        return new VtpmIssuerKey(created, ReadOnlyMemory<byte>.Empty, FlushAfterUse: true);
    }

    private static bool MadeFrom(TpmPublic key, TpmPublic template) =>
        key.Type == template.Type
        && key.NameAlgorithm == template.NameAlgorithm
        && key.Attributes == template.Attributes
        && key.AuthPolicy.Span.SequenceEqual(template.AuthPolicy.Span)
        && key.Scheme == template.Scheme
        && key.SchemeHash == template.SchemeHash
        && key.RsaKeyBits == template.RsaKeyBits
        && key.EffectiveRsaExponent == template.EffectiveRsaExponent;
}
