using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.QemuVtpm;

/// <summary>Factory for the <c>qemu-vtpm</c> variant's issuer and validator.</summary>
public static class QemuVtpmVariant
{
    /// <summary>Creates a validator that accepts the document's own AK (no AK trust, as upstream) and checks measurements.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements) =>
        new(AttestationVariant.QemuVtpm, new QemuVtpmHooks(), measurements);

    /// <summary>Creates an issuer.</summary>
    /// <param name="openTpm">Opens the TPM, e.g. <see cref="TpmDeviceTransport.Open"/> or a swtpm socket.</param>
    /// <param name="options">Issuer options.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, VtpmIssuerOptions? options = null) =>
        new(AttestationVariant.QemuVtpm, openTpm, new QemuVtpmIssuerHooks(), options);

    /// <summary>Creates an issuer on the local TPM device (<c>/dev/tpmrm0</c>).</summary>
    /// <param name="options">Issuer options.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateDeviceIssuer(VtpmIssuerOptions? options = null) =>
        CreateIssuer(_ => ValueTask.FromResult<ITpmTransport>(TpmDeviceTransport.Open()), options);
}
