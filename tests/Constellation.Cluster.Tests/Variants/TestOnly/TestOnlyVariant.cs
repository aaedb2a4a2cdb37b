using System.Text;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Cluster.Tests.Variants.TestOnly;

/// <summary>
/// A variant defined only here, with nothing of it in the library: name <c>test-only</c>, OID 1.3.9900.99.1, config key
/// <c>testOnly</c>, its own config type (measurements and a <c>label</c>), its own document, validator and issuer. It
/// proves that a variant is one definition: a registry of <see cref="AttestationVariantRegistry.Default"/> plus it is all
/// the config readers, the validator factory, aTLS and the join service need.
/// </summary>
internal sealed class TestOnlyVariant : AttestationVariantDefinition
{
    public const uint Register = 0;
    private static readonly string[] Fields = ["measurements", "label"];

    private TestOnlyVariant()
        : base(new AttestationVariant("test-only", "1.3.9900.99.1", EvidenceFamily.Dummy, CloudProvider.Unknown, "testOnly"))
    {
    }

    public static TestOnlyVariant Instance { get; } = new();

    public static AttestationVariantRegistry Registry { get; } = new([.. AttestationVariantRegistry.Default.Definitions, Instance]);

    public override int MeasurementLength => 32;

    public override uint? ClusterIdRegister => Register;

    public override MeasurementSet DefaultMeasurements { get; } = MeasurementSet.Empty.With(Register, new Measurement(new byte[32]));

    // No provider's cluster configuration selects it.
    public override IReadOnlyList<CloudProvider> ConfigProviders => [];

    public override Type ConfigType => typeof(TestOnlyConfig);

    public override AttestationConfig CreateDefaultConfig() => new TestOnlyConfig(DefaultMeasurements, "default");

    public override AttestationConfig ReadConfig(AttestationConfigFields fields)
    {
        var measurements = fields.ReadMeasurements(required: true);
        var label = fields.TakeRequired("label");
        if (label.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{fields.Path}.label: expected a string, got {AttestationConfigFields.Describe(label)}");
        }

        fields.ThrowIfUnknownFields(Fields);
        return fields.CreateConfig(() => new TestOnlyConfig(measurements, label.GetString()!));
    }

    public override void WriteConfigJson(Utf8JsonWriter writer, AttestationConfig config)
    {
        RequireConfig(config);
        WriteMeasurementsJson(writer, config);
        writer.WriteString("label", ((TestOnlyConfig)config).Label);
    }

    public override void WriteConfigYaml(StringBuilder builder, AttestationConfig config, int indent)
    {
        RequireConfig(config);
        AttestationConfigYaml.WriteMeasurements(builder, config.Measurements, indent);
        builder.Append(' ', indent).Append("label: ").Append(JsonSerializer.Serialize(((TestOnlyConfig)config).Label)).Append('\n');
    }

    // The validator takes the services' clock (always there) and the issuer nothing: both are always available.
    public override VariantCapability GetValidatorCapability(VariantServices services) => VariantCapability.Available;

    public override VariantCapability GetIssuerCapability(VariantIssuerServices services) => VariantCapability.Available;

    /// <summary>An issuer that reports <paramref name="measured"/> as register 0 and <paramref name="label"/>.</summary>
    public static TestOnlyIssuer Issuer(byte[] measured, string label) => new(measured, label);

    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        new TestOnlyValidator((TestOnlyConfig)config, services.TimeProvider);

    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) => Issuer(new byte[32], "default");
}

/// <summary>The test-only variant's config: its measurements and the label its documents must carry.</summary>
internal sealed class TestOnlyConfig(MeasurementSet measurements, string label) : AttestationConfig(TestOnlyVariant.Instance, measurements)
{
    public string Label { get; } = label;

    public override AttestationConfig WithMeasurements(MeasurementSet measurements) => new TestOnlyConfig(measurements, Label);

    public override bool Equals(AttestationConfig? other) => base.Equals(other) && other is TestOnlyConfig o && o.Label == Label;

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Label);
}

/// <summary>The document: JSON with the user data, the nonce, the label and register 0, all Base64 or text. No hardware root.</summary>
internal sealed record TestOnlyDocument(byte[] UserData, byte[] Nonce, string Label, byte[] Register0)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static TestOnlyDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<TestOnlyDocument>(json) ?? throw new AttestationFormatException("test-only document: null");
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"test-only document: {ex.Message}", ex);
        }
    }
}

internal sealed class TestOnlyIssuer(byte[] measured, string label) : IAttestationIssuer
{
    public AttestationVariant Variant => TestOnlyVariant.Instance.Variant;

    public ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new TestOnlyDocument(userData.ToArray(), nonce.ToArray(), label, measured).ToJson());
}

/// <summary>Checks the nonce, the label of the config and register 0 against the config's measurements.</summary>
internal sealed class TestOnlyValidator(TestOnlyConfig config, TimeProvider time) : IAttestationValidator
{
    public AttestationVariant Variant => TestOnlyVariant.Instance.Variant;

    public TimeProvider Time { get; } = time;

    public ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        var parsed = TestOnlyDocument.Parse(document.Span);
        if (!parsed.Nonce.AsSpan().SequenceEqual(nonce.Span))
        {
            throw new AttestationBindingException("nonce", Convert.ToHexStringLower(nonce.Span), Convert.ToHexStringLower(parsed.Nonce));
        }

        if (parsed.Label != config.Label)
        {
            throw new AttestationPolicyException([PolicyViolation.Create("label", config.Label, parsed.Label)]);
        }

        var measured = new Dictionary<uint, byte[]> { [TestOnlyVariant.Register] = parsed.Register0 };
        config.Measurements.Compare(measured).ThrowIfFailed();
        return ValueTask.FromResult(new AttestationValidationResult(Variant, parsed.UserData, measurements: measured));
    }
}
