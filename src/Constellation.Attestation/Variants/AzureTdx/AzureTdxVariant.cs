using System;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// The <c>azure-tdx</c> variant (1.3.9900.4.3): a vTPM quote whose AK the Azure HCL binds to a TD quote, verified with
/// Intel collateral and validated against the <c>azureTDX</c> config (<see cref="AzureTdxAttestationConfig"/>). Its
/// validator needs <see cref="VariantServices.TdxCollateral"/>; its issuer the vTPM and IMDS of an Azure TDX CVM.
/// </summary>
public sealed class AzureTdxVariant : VtpmVariantDefinition
{
    private static readonly string[] Fields = ["measurements", "qeSVN", "pceSVN", "teeTCBSVN", "qeVendorID", "mrSeam", "xfam", "intelRootKey"];

    private AzureTdxVariant()
        : base(new AttestationVariant("azure-tdx", "1.3.9900.4.3", EvidenceFamily.VtpmWithTdx, CloudProvider.Azure, "azureTDX"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AzureTdxVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>1: Azure prefers azure-sev-snp.</remarks>
    public override int ProviderRank => 1;

    /// <inheritdoc />
    public override Type ConfigType => typeof(AzureTdxAttestationConfig);

    /// <summary>Creates an azure-tdx validator from an <c>azureTDX</c> config.</summary>
    /// <param name="config">The config (measurements, SVN minimums, QE vendor ID, MRSEAM, XFAM, Intel root).</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from (e.g. <see cref="IntelPcsClient"/>).</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <returns>The validator.</returns>
    /// <exception cref="AttestationFormatException">The config still holds "latest" values.</exception>
    public static VtpmValidator CreateValidator(AzureTdxAttestationConfig config, ITdxCollateralSource collateral, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(collateral);
        return CreateValidator(config.Measurements, AzureTdxPolicy.CreateVerificationOptions(config, collateral, timeProvider), AzureTdxPolicy.CreateValidationOptions(config));
    }

    /// <summary>Creates an azure-tdx validator from quote verification and validation options.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="verification">Trust anchors, required collateral, the clock and the collateral source.</param>
    /// <param name="policy">The quote policy (REPORTDATA unset).</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements, TdxVerificationOptions verification, TdxValidationOptions policy) =>
        new(Instance.Variant, new AzureTdxHooks(verification, policy), measurements);

    /// <summary>Creates an azure-tdx issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="hooks">The azure-tdx issuer hooks (IMDS address and HTTP client); the caller disposes them.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, AzureTdxIssuerHooks hooks, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, hooks, options);

    /// <inheritdoc />
    public override AttestationConfig CreateDefaultConfig() => new AzureTdxAttestationConfig(
        DefaultMeasurements,
        AttestationVersion.Latest,
        AttestationVersion.Latest,
        HexAttestationVersion.Latest,
        HexAttestationVersion.Latest,
        mrSeam: [],
        HexAttestationVersion.Latest,
        PemCertificate.Parse("intelRootKey", BuiltInRoots.IntelSgxRootCaPem));

    /// <inheritdoc />
    public override AttestationConfig ReadConfig(AttestationConfigFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var measurements = fields.ReadMeasurements(required: true);
        var qe = AttestationConfigReader.ReadVersion(fields, "qeSVN", ushort.MaxValue);
        var pce = AttestationConfigReader.ReadVersion(fields, "pceSVN", ushort.MaxValue);
        var teeTcb = AttestationConfigReader.ReadHexVersion(fields, "teeTCBSVN");
        var vendor = AttestationConfigReader.ReadHexVersion(fields, "qeVendorID");
        var mrSeam = fields.TryTake("mrSeam", out var seam) ? AttestationConfigReader.ReadHex($"{fields.Path}.mrSeam", seam) : [];
        var xfam = AttestationConfigReader.ReadHexVersion(fields, "xfam");
        var root = AttestationConfigReader.ReadCertificate(fields, "intelRootKey");
        fields.ThrowIfUnknownFields(Fields);
        return fields.CreateConfig(() => new AzureTdxAttestationConfig(measurements, qe, pce, teeTcb, vendor, mrSeam, xfam, root));
    }

    /// <inheritdoc />
    public override void WriteConfigJson(Utf8JsonWriter writer, AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        RequireConfig(config);
        var tdx = (AzureTdxAttestationConfig)config;
        WriteMeasurementsJson(writer, config);
        AttestationConfigJson.WriteVersion(writer, "qeSVN", tdx.QeSvn);
        AttestationConfigJson.WriteVersion(writer, "pceSVN", tdx.PceSvn);
        writer.WriteString("teeTCBSVN", tdx.TeeTcbSvn.ToString());
        writer.WriteString("qeVendorID", tdx.QeVendorId.ToString());
        if (!tdx.MrSeam.IsEmpty)
        {
            writer.WriteString("mrSeam", Convert.ToHexStringLower(tdx.MrSeam.AsSpan()));
        }

        writer.WriteString("xfam", tdx.Xfam.ToString());
        writer.WriteString("intelRootKey", tdx.IntelRootKey?.Pem ?? string.Empty);
    }

    /// <inheritdoc />
    public override void WriteConfigYaml(StringBuilder builder, AttestationConfig config, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RequireConfig(config);
        var tdx = (AzureTdxAttestationConfig)config;
        var pad = new string(' ', indent);
        AttestationConfigYaml.WriteMeasurements(builder, config.Measurements, indent);
        builder.Append(pad).Append("qeSVN: ").Append(tdx.QeSvn).Append('\n');
        builder.Append(pad).Append("pceSVN: ").Append(tdx.PceSvn).Append('\n');
        builder.Append(pad).Append("teeTCBSVN: ").Append(AttestationConfigYaml.HexScalar(tdx.TeeTcbSvn.ToString())).Append('\n');
        builder.Append(pad).Append("qeVendorID: ").Append(AttestationConfigYaml.HexScalar(tdx.QeVendorId.ToString())).Append('\n');
        if (!tdx.MrSeam.IsEmpty)
        {
            builder.Append(pad).Append("mrSeam: ").Append(AttestationConfigYaml.HexScalar(Convert.ToHexStringLower(tdx.MrSeam.AsSpan()))).Append('\n');
        }

        builder.Append(pad).Append("xfam: ").Append(AttestationConfigYaml.HexScalar(tdx.Xfam.ToString())).Append('\n');
        builder.Append(pad).Append("intelRootKey: ").Append(AttestationConfigYaml.Quote(tdx.IntelRootKey?.Pem ?? string.Empty)).Append('\n');
    }

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.TdxCollateral, "validation", "a TDX collateral source such as the Intel PCS client (VariantServices.TdxCollateral)", nameof(VariantServices.TdxCollateral));
    }

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var tpm = Needs(services.OpenTpm, "issuing", "the vTPM of an Azure TDX CVM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm));
        return tpm.IsAvailable
            ? Needs(services.AzureImds, "issuing", "Azure's instance metadata service for the TD quote (VariantIssuerServices.AzureImds)", nameof(VariantIssuerServices.AzureImds))
            : tpm;
    }

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator((AzureTdxAttestationConfig)config, services.TdxCollateral!, services.TimeProvider);

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services)
    {
        var hooks = new AzureTdxIssuerHooks(services.AzureImds);
        return new AzureTdxIssuer(CreateIssuer(services.OpenTpm!, hooks, services.VtpmIssuerOptions), hooks);
    }
}
