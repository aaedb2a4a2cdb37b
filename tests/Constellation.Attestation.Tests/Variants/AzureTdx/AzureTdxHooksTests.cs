using System.Collections.Immutable;
using System.Security.Cryptography;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Tdx;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Common.Azure;

namespace Constellation.Attestation.Tests.Variants.AzureTdx;

/// <summary>
/// The azure-tdx AK trust hook with self-made quotes (SyntheticTdx PKI) whose REPORTDATA binds self-made runtime data:
/// the real HCL runtime data does not hash into any real quote in the test data, so the binding is tested this way.
/// </summary>
public sealed class AzureTdxHooksTests : IDisposable
{
    private SyntheticTdx _pki = null!;
    private RSA _ak = null!;

    [SetUp]
    public void SetUp()
    {
        _pki = new SyntheticTdx();
        _ak = RSA.Create(2048);
    }

    [TearDown]
    public void TearDown() => Dispose();

    public void Dispose()
    {
        _pki?.Dispose();
        _ak?.Dispose();
    }

    private byte[] Info(byte[] runtimeData, Action<byte[]>? edit = null) =>
        new AzureTdxInstanceInfo(_pki.Quote(body =>
        {
            AzureTdxEvidence.ReportData(runtimeData).CopyTo(body, 0x208);
            edit?.Invoke(body);
        }), runtimeData).ToJson();

    private AzureTdxHooks Hooks(TdxValidationOptions? policy = null, DateTimeOffset? at = null) =>
        new(Verification(new FixedTdxCollateral(_pki.Collateral()), at ?? SyntheticTdx.At, [_pki.Root]), policy ?? TdxValidationOptions.Default);

    // Full verification (TCB evaluation and CRLs required) against `source`, judged at `at`.
    private static TdxVerificationOptions Verification(ITdxCollateralSource source, DateTimeOffset at, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? roots = null) => new()
    {
        TrustedRoots = roots ?? [IntelSgxRootCa.Create()],
        CollateralSource = source,
        TimeProvider = new RecordingTimeProvider(at),
    };

    private ValueTask<ReadOnlyMemory<byte>> Run(AzureTdxHooks hooks, byte[] info, byte[]? akSpki = null) =>
        hooks.GetTrustedAttestationKeyAsync(new VtpmAttestationContext(AttestationVariant.AzureTdx, info, new byte[32], [], akSpki ?? _ak.ExportSubjectPublicKeyInfo(), [], []), default);

    [Test]
    public async Task A_verified_quote_whose_REPORTDATA_binds_runtime_data_holding_the_AK_makes_the_AK_trusted()
    {
        var trusted = await Run(Hooks(), Info(AzureTdxEvidence.RuntimeData(_ak)));

        trusted.ToArray().Should().Equal(_ak.ExportSubjectPublicKeyInfo());
    }

    [Test]
    public async Task A_flipped_runtime_data_byte_is_rejected_on_REPORTDATA()
    {
        var runtimeData = AzureTdxEvidence.RuntimeData(_ak);
        var info = AzureTdxInstanceInfo.Parse(Info(runtimeData));
        var tampered = runtimeData.ToArray();
        tampered[^3] ^= 0x20;

        var act = async () => await Run(Hooks(), new AzureTdxInstanceInfo(info.AttestationReport, tampered).ToJson());

        var error = (await act.Should().ThrowAsync<AttestationBindingException>()).Which;
        error.Field.Should().Be("REPORTDATA[0:32]");
        error.Expected.Should().Be(Convert.ToHexStringLower(SHA256.HashData(tampered)));
    }

    [Test]
    public async Task An_AK_other_than_the_runtime_data_key_is_not_trusted()
    {
        using var other = RSA.Create(2048);

        var act = async () => await Run(Hooks(), Info(AzureTdxEvidence.RuntimeData(_ak)), other.ExportSubjectPublicKeyInfo());

        await act.Should().ThrowAsync<AttestationTrustException>().WithMessage("*keys[0]*");
    }

    [Test]
    public async Task A_quote_that_fails_the_policy_is_rejected_before_the_binding_is_trusted()
    {
        var policy = new TdxValidationOptions { QeVendorId = new byte[16], MrSeam = new byte[48].Select(_ => (byte)1).ToArray() };

        var act = async () => await Run(Hooks(policy), Info(AzureTdxEvidence.RuntimeData(_ak)));

        var error = (await act.Should().ThrowAsync<TdxPolicyException>()).Which;
        error.Violations.Select(v => v.Field).Should().BeEquivalentTo("qeVendorId", "mrSeam");
    }

    [Test]
    public async Task A_quote_signed_by_another_attestation_key_is_rejected()
    {
        var info = AzureTdxInstanceInfo.Parse(Info(AzureTdxEvidence.RuntimeData(_ak)));
        var quote = info.AttestationReport.ToArray();
        quote[48 + 0x208 + 40] ^= 1; // inside REPORTDATA's zero half: signed, not part of the binding

        var act = async () => await Run(Hooks(), new AzureTdxInstanceInfo(quote, info.RuntimeData).ToJson());

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task A_quote_outside_the_PCK_validity_is_rejected()
    {
        var act = async () => await Run(Hooks(at: SyntheticTdx.At.AddYears(10)), Info(AzureTdxEvidence.RuntimeData(_ak)));

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task A_v5_quote_is_refused_because_azure_tdx_sends_v4()
    {
        var info = new AzureTdxInstanceInfo(RealTdx.V5Bytes, AzureTdxEvidence.RuntimeData(_ak)).ToJson();

        var act = async () => await Run(Hooks(), info);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("azure-tdx quote version expected 4, got 5");
    }

    [Test]
    public async Task The_real_quote_with_the_real_HCL_runtime_data_verifies_its_signatures_and_then_fails_the_binding()
    {
        // Real evidence from two different machines: the signature chain holds, REPORTDATA does not carry this runtime data.
        var hcl = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        var info = new AzureTdxInstanceInfo(RealTdx.V4Bytes, hcl.RuntimeData.ToArray()).ToJson();
        var signaturesOnly = new TdxVerificationOptions
        {
            RequireTcbEvaluation = false,
            RequireRevocationLists = false,
            CollateralSource = new FixedTdxCollateral(RealTdx.LoadCollateral()),
            TimeProvider = new RecordingTimeProvider(RealTdx.V4Pinned),
        };
        var hooks = new AzureTdxHooks(signaturesOnly, TdxValidationOptions.SignaturesOnly);

        var act = async () => await Run(hooks, info);

        var error = (await act.Should().ThrowAsync<AttestationBindingException>()).Which;
        error.Field.Should().Be("REPORTDATA[0:32]");
        error.Actual.Should().Be(Convert.ToHexStringLower(RealTdx.V4.Body.ReportData[..32]));
    }

    [Test]
    public async Task The_real_quote_under_the_default_policy_is_rejected_for_its_TCB_level_as_the_manifest_says()
    {
        var hcl = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        var info = new AzureTdxInstanceInfo(RealTdx.V4Bytes, hcl.RuntimeData.ToArray()).ToJson();
        var hooks = new AzureTdxHooks(Verification(new FixedTdxCollateral(RealTdx.LoadCollateral()), RealTdx.V4Pinned), TdxValidationOptions.Default);

        var act = async () => await Run(hooks, info);

        (await act.Should().ThrowAsync<TdxPolicyException>()).Which.Message.Should().Contain("no matching TCB level");
    }

    [TestCase("{\"AttestationReport\":\"AAAA\"}", "*missing \"RuntimeData\"*")]
    [TestCase("{\"AttestationReport\":\"AAAA\",\"RuntimeData\":7}", "*\"RuntimeData\" must be base64*")]
    [TestCase("[]", "*expected a single JSON object*")]
    [TestCase("{\"AttestationReport\":", "*invalid JSON*")]
    public async Task Malformed_instance_info_is_a_format_error(string json, string message)
    {
        var act = async () => await Run(Hooks(), System.Text.Encoding.UTF8.GetBytes(json));

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage(message);
    }

    [Test]
    public async Task Instance_info_with_invalid_UTF8_in_a_base64_field_is_a_format_error()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("{\"AttestationReport\":\"AAAA\",\"RuntimeData\":\"AA#A\"}");
        json[^4] = 0xc3;

        var act = async () => await Run(Hooks(), json);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("azure-tdx instance info: not valid UTF-8*");
    }

    [Test]
    public void Instance_info_uses_Gos_default_field_names_and_standard_base64()
    {
        var json = System.Text.Encoding.UTF8.GetString(new AzureTdxInstanceInfo(new byte[] { 1, 2, 3 }, "{}"u8.ToArray()).ToJson());

        json.Should().Be("{\"AttestationReport\":\"AQID\",\"RuntimeData\":\"e30=\"}");
    }

    [Test]
    public void A_policy_that_fixes_REPORTDATA_is_refused_because_the_HCL_binding_owns_it()
    {
        var act = () => new AzureTdxHooks(Verification(new FixedTdxCollateral(_pki.Collateral()), SyntheticTdx.At), new TdxValidationOptions { ReportData = new byte[64] });

        act.Should().Throw<ArgumentException>().WithMessage("*REPORTDATA*");
    }
}

public class AzureTdxConfigTests
{
    private static AzureTdxAttestationConfig Config(AttestationVersion? qe = null, HexAttestationVersion? xfam = null, byte[]? mrSeam = null) => new(
        MeasurementSet.Empty.With(15, new Measurement(new byte[32])),
        qe ?? AttestationVersion.FromValue(3),
        AttestationVersion.FromValue(11),
        HexAttestationVersion.FromBytes(Enumerable.Repeat((byte)2, 16).ToArray()),
        HexAttestationVersion.FromBytes(SyntheticTdx.IntelVendor),
        mrSeam ?? [],
        xfam ?? HexAttestationVersion.Unset,
        null);

    [Test]
    public void The_azureTDX_config_becomes_the_quote_policy_on_top_of_the_defaults()
    {
        var config = Config(xfam: HexAttestationVersion.FromBytes(new byte[] { 0xe7, 0, 0, 0, 0, 0, 0, 0 }), mrSeam: new byte[48]);
        var policy = AzureTdxPolicy.CreateValidationOptions(config);
        var verification = AzureTdxPolicy.CreateVerificationOptions(config, new FixedTdxCollateral(new TdxCollateral()));

        policy.MinimumQeSvn.Should().Be(3);
        policy.MinimumPceSvn.Should().Be(11);
        policy.MinimumTeeTcbSvn!.Value.ToArray().Should().Equal(Enumerable.Repeat((byte)2, 16));
        policy.QeVendorId!.Value.ToArray().Should().Equal(SyntheticTdx.IntelVendor);
        policy.MrSeam!.Value.Length.Should().Be(48);
        policy.Xfam!.Value.ToArray().Should().Equal(0xe7, 0, 0, 0, 0, 0, 0, 0);
        verification.RequireRevocationLists.Should().BeTrue();
        verification.RequireTcbEvaluation.Should().BeTrue();
        policy.RequireTcbEvaluation.Should().BeTrue();
        policy.ForbidDebug.Should().BeTrue();
        policy.AcceptedTcbStatuses.Should().BeEquivalentTo(TcbStatus.UpToDate);
        policy.MrTd.Should().BeEmpty();
        policy.ReportData.Should().BeNull();
    }

    [Test]
    public void Unset_mrSeam_and_xfam_are_not_checked()
    {
        var policy = AzureTdxPolicy.CreateValidationOptions(Config());

        policy.MrSeam.Should().BeNull();
        policy.Xfam.Should().BeNull();
    }

    [Test]
    public void Unresolved_latest_values_are_refused_by_name()
    {
        var act = () => AzureTdxPolicy.CreateValidationOptions(Config(qe: AttestationVersion.Latest, xfam: HexAttestationVersion.Latest));

        act.Should().Throw<AttestationFormatException>().WithMessage("azure-tdx config: qeSVN, xfam still \"latest\"*");
    }

    [Test]
    public void Without_intelRootKey_the_built_in_Intel_SGX_Root_CA_is_trusted()
    {
        AzureTdxPolicy.CreateVerificationOptions(Config(), new FixedTdxCollateral(new TdxCollateral())).TrustedRoots.Should().ContainSingle()
            .Which.Thumbprint.Should().Be(IntelSgxRootCa.Create().Thumbprint);
    }

    [Test]
    public void The_factory_builds_azure_tdx_validators_once_it_has_a_collateral_source()
    {
        AttestationValidatorFactory.CreateDefault().CanCreate(AttestationVariant.AzureTdx).Should().BeFalse();

        var factory = new AttestationValidatorFactory(AttestationVariantRegistry.Default, new VariantServices { TdxCollateral = new FixedTdxCollateral(new TdxCollateral()) });

        factory.Create(Config()).Variant.Should().Be(AttestationVariant.AzureTdx);
        factory.Create(new MeasurementsAttestationConfig(AttestationVariant.QemuTdx, MeasurementSet.Empty.With(3, new Measurement(new byte[48])))).Variant.Should().Be(AttestationVariant.QemuTdx);
    }
}
