using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Config;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Variants.Common.Vtpm;
using Microsoft.Extensions.Logging;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>
/// The part aws-sev-snp, gcp-sev-snp and azure-sev-snp share: a vTPM quote whose AK an SEV-SNP report vouches for, the
/// config <see cref="SevSnpAttestationConfig"/> (measurements, the four minimum versions, <c>amdRootKey</c>,
/// <c>amdSigningKey</c>, azure-sev-snp's <c>firmwareSignerConfig</c>), and the mapping of that config to
/// <see cref="SnpVariantOptions"/>.
/// </summary>
/// <remarks>
/// From the config: the minimum launch TCB is the four versions, an unresolved <c>latest</c> counting as 0 as upstream
/// does (logged as a warning); <c>amdRootKey</c>, when set, is the one pinned ARK and must be an ARK-Milan (the SNP
/// variants verify Milan reports), otherwise AMD's ARK-Milan is pinned; <c>amdSigningKey</c> is the ASK/ASVK used when
/// the evidence carries none. Revocation is checked, so the validator needs <see cref="VariantServices.AmdKds"/>.
/// </remarks>
public abstract class SnpVariantDefinition : VtpmVariantDefinition
{
    private static readonly string[] Fields = ["measurements", "bootloaderVersion", "teeVersion", "snpVersion", "microcodeVersion", "amdRootKey", "amdSigningKey"];
    private static readonly string[] FieldsWithSigner = ["measurements", "bootloaderVersion", "teeVersion", "snpVersion", "microcodeVersion", "firmwareSignerConfig", "amdRootKey", "amdSigningKey"];

    private static readonly Action<ILogger, string, string, Exception?> LatestUnresolved = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(1, "LatestVersionUnresolved"), "{Variant}: {Fields} still \"latest\" in the attestation config; minimum 0 applied, as Constellation does (resolve the versions before uploading the config)");

    /// <summary>Initialises the definition of an SEV-SNP variant.</summary>
    /// <param name="variant">The variant.</param>
    protected SnpVariantDefinition(AttestationVariant variant)
        : base(variant)
    {
    }

    /// <summary>Gets a value indicating whether the config carries <c>firmwareSignerConfig</c> (azure-sev-snp only).</summary>
    public virtual bool HasFirmwareSignerConfig => false;

    /// <inheritdoc />
    public override Type ConfigType => typeof(SevSnpAttestationConfig);

    /// <inheritdoc />
    public override AttestationConfig CreateDefaultConfig() => new SevSnpAttestationConfig(
        this,
        DefaultMeasurements,
        AttestationVersion.Latest,
        AttestationVersion.Latest,
        AttestationVersion.Latest,
        AttestationVersion.Latest,
        PemCertificate.Parse("amdRootKey", BuiltInRoots.AmdArkMilanPem),
        amdSigningKey: null,
        HasFirmwareSignerConfig ? FirmwareSignerConfig.Default : null);

    /// <inheritdoc />
    public override AttestationConfig ReadConfig(AttestationConfigFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var measurements = fields.ReadMeasurements(required: true);
        var bootloader = AttestationConfigReader.ReadVersion(fields, "bootloaderVersion", byte.MaxValue);
        var tee = AttestationConfigReader.ReadVersion(fields, "teeVersion", byte.MaxValue);
        var snp = AttestationConfigReader.ReadVersion(fields, "snpVersion", byte.MaxValue);
        var microcode = AttestationConfigReader.ReadVersion(fields, "microcodeVersion", byte.MaxValue);
        var signer = HasFirmwareSignerConfig
            ? AttestationConfigReader.ReadFirmwareSigner(fields.TakeRequired("firmwareSignerConfig"), $"{fields.Path}.firmwareSignerConfig", fields.CaseInsensitive)
            : null;
        var root = AttestationConfigReader.ReadCertificate(fields, "amdRootKey");
        var signing = AttestationConfigReader.ReadCertificate(fields, "amdSigningKey");
        fields.ThrowIfUnknownFields(HasFirmwareSignerConfig ? FieldsWithSigner : Fields);
        return fields.CreateConfig(() => new SevSnpAttestationConfig(this, measurements, bootloader, tee, snp, microcode, root, signing, signer));
    }

    /// <inheritdoc />
    public override void WriteConfigJson(Utf8JsonWriter writer, AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        RequireConfig(config);
        var snp = (SevSnpAttestationConfig)config;
        WriteMeasurementsJson(writer, config);
        AttestationConfigJson.WriteVersion(writer, "bootloaderVersion", snp.BootloaderVersion);
        AttestationConfigJson.WriteVersion(writer, "teeVersion", snp.TeeVersion);
        AttestationConfigJson.WriteVersion(writer, "snpVersion", snp.SnpVersion);
        AttestationConfigJson.WriteVersion(writer, "microcodeVersion", snp.MicrocodeVersion);
        if (snp.FirmwareSignerConfig is { } signer)
        {
            writer.WriteStartObject("firmwareSignerConfig");
            writer.WriteStartArray("acceptedKeyDigests");
            foreach (var digest in signer.AcceptedKeyDigests)
            {
                writer.WriteStringValue(Convert.ToHexStringLower(digest.AsSpan()));
            }

            writer.WriteEndArray();
            writer.WriteString("enforcementPolicy", signer.EnforcementPolicyName);
            if (signer.MaaUrl.Length > 0)
            {
                writer.WriteString("maaURL", signer.MaaUrl);
            }

            writer.WriteEndObject();
        }

        writer.WriteString("amdRootKey", snp.AmdRootKey?.Pem ?? string.Empty);
        writer.WriteString("amdSigningKey", snp.AmdSigningKey?.Pem ?? string.Empty);
    }

    /// <inheritdoc />
    public override void WriteConfigYaml(StringBuilder builder, AttestationConfig config, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RequireConfig(config);
        var snp = (SevSnpAttestationConfig)config;
        var pad = new string(' ', indent);
        AttestationConfigYaml.WriteMeasurements(builder, config.Measurements, indent);
        builder.Append(pad).Append("bootloaderVersion: ").Append(snp.BootloaderVersion).Append('\n');
        builder.Append(pad).Append("teeVersion: ").Append(snp.TeeVersion).Append('\n');
        builder.Append(pad).Append("snpVersion: ").Append(snp.SnpVersion).Append('\n');
        builder.Append(pad).Append("microcodeVersion: ").Append(snp.MicrocodeVersion).Append('\n');
        if (snp.FirmwareSignerConfig is { } signer)
        {
            builder.Append(pad).Append("firmwareSignerConfig:\n");
            builder.Append(pad).Append("  acceptedKeyDigests:");
            if (signer.AcceptedKeyDigests.IsEmpty)
            {
                builder.Append(" []\n");
            }
            else
            {
                builder.Append('\n');
                foreach (var digest in signer.AcceptedKeyDigests)
                {
                    builder.Append(pad).Append("    - ").Append(MeasurementYaml.QuoteIfNeeded(Convert.ToHexStringLower(digest.AsSpan()))).Append('\n');
                }
            }

            builder.Append(pad).Append("  enforcementPolicy: ").Append(signer.EnforcementPolicyName).Append('\n');
            if (signer.MaaUrl.Length > 0)
            {
                builder.Append(pad).Append("  maaURL: ").Append(AttestationConfigYaml.Quote(signer.MaaUrl)).Append('\n');
            }
        }

        builder.Append(pad).Append("amdRootKey: ").Append(AttestationConfigYaml.Quote(snp.AmdRootKey?.Pem ?? string.Empty)).Append('\n');
        if (snp.AmdSigningKey is { } signing)
        {
            builder.Append(pad).Append("amdSigningKey: ").Append(AttestationConfigYaml.Quote(signing.Pem)).Append('\n');
        }
    }

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.AmdKds, "validation", "an AMD KDS client for the certificates the evidence lacks and the AMD CRL (VariantServices.AmdKds)", nameof(VariantServices.AmdKds));
    }

    /// <summary>
    /// Maps the config to the options of <see cref="SnpEvidenceChecker"/>: minimum TCB, pinned ARK, cached ASK/ASVK, the
    /// KDS client and the clock (revocation checked, masked chip IDs refused).
    /// </summary>
    /// <param name="config">The config.</param>
    /// <param name="services">The services (clock, logging, KDS client).</param>
    /// <returns>The options.</returns>
    /// <exception cref="AttestationFormatException"><c>amdRootKey</c> is not an ARK-Milan.</exception>
    /// <exception cref="CertificateChainException"><c>amdRootKey</c> is not a self-signed AMD ARK.</exception>
    protected SnpVariantOptions CreateOptions(SevSnpAttestationConfig config, VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(services);
        var latest = new List<string>();
        var minimum = new SnpTcbParts(
            Effective(config.BootloaderVersion, "bootloaderVersion", latest),
            Effective(config.TeeVersion, "teeVersion", latest),
            Effective(config.SnpVersion, "snpVersion", latest),
            Effective(config.MicrocodeVersion, "microcodeVersion", latest));
        if (latest.Count > 0)
        {
            LatestUnresolved(services.LoggerFactory.CreateLogger(typeof(SnpVariantDefinition).FullName!), Variant.Name, string.Join(", ", latest), null);
        }

        var signing = config.AmdSigningKey?.ToX509Certificate();
        if (config.AmdRootKey is not { } root)
        {
            return new SnpVariantOptions { MinimumTcb = minimum, AmdSigningKey = signing, Kds = services.AmdKds, TimeProvider = services.TimeProvider };
        }

        var roots = new SnpTrustedRoots([root.ToX509Certificate()]);
        return roots.TryGetArk(SnpProductLine.Milan, out _)
            ? new SnpVariantOptions { MinimumTcb = minimum, AmdSigningKey = signing, Kds = services.AmdKds, TimeProvider = services.TimeProvider, TrustedRoots = roots }
            : throw new AttestationFormatException(
                $"{Variant.ConfigKey}.amdRootKey: expected AMD's ARK-Milan ({Variant.Name} verifies Milan reports), got an ARK for {string.Join(", ", roots.ProductLines)}");
    }

    private static byte Effective(AttestationVersion version, string field, List<string> latest)
    {
        if (version.IsLatest)
        {
            latest.Add(field);
        }

        return (byte)version.EffectiveValue;
    }
}
