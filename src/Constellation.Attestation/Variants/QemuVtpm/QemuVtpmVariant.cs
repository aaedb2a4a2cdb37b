using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.QemuVtpm;

/// <summary>
/// The <c>qemu-vtpm</c> variant (1.3.9900.5.1): a vTPM quote whose AK is not vouched for by anyone (upstream accepts the
/// document's own AK), so it proves the measurements only where the host is trusted (local QEMU, OpenStack/STACKIT).
/// Its validator needs nothing from the environment; its issuer needs the machine's TPM.
/// </summary>
public sealed class QemuVtpmVariant : VtpmVariantDefinition
{
    private QemuVtpmVariant()
        : base(new AttestationVariant("qemu-vtpm", "1.3.9900.5.1", EvidenceFamily.Vtpm, CloudProvider.Qemu, "qemuVTPM"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static QemuVtpmVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>QEMU and OpenStack (STACKIT), as upstream allows.</remarks>
    public override IReadOnlyList<CloudProvider> ConfigProviders => [CloudProvider.Qemu, CloudProvider.OpenStack];

    /// <summary>Creates a validator that accepts the document's own AK (no AK trust, as upstream) and checks measurements.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements) =>
        new(Instance.Variant, new QemuVtpmHooks(), measurements);

    /// <summary>Creates an issuer.</summary>
    /// <param name="openTpm">Opens the TPM, e.g. <see cref="TpmDeviceTransport.Open"/> or a swtpm socket.</param>
    /// <param name="options">Issuer options.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new QemuVtpmIssuerHooks(), options);

    /// <summary>Creates an issuer on the local TPM device (<c>/dev/tpmrm0</c>).</summary>
    /// <param name="options">Issuer options.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateDeviceIssuer(VtpmIssuerOptions? options = null) =>
        CreateIssuer(_ => ValueTask.FromResult<ITpmTransport>(TpmDeviceTransport.Open()), options);

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services) => VariantCapability.Available;

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "a TPM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm));
    }

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) => CreateValidator(config.Measurements);

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) => CreateIssuer(services.OpenTpm!, services.VtpmIssuerOptions);
}
