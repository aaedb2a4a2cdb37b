using System.Buffers.Binary;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

public class SnpReportValidatorTests
{
    private static SnpReport Azure => SnpReport.Parse(SnpVectors.AzureReportBytes);

    // The policy layer's input for reports whose signature these tests do not keep intact (policy bits edited): a
    // verification result as the verifier returns it for a valid report. Refusing unverified results has its own test.
    private static SnpReportVerificationResult Verified(SnpReport report) => new(report, report.ProductLine, null, []);

    private static SnpReport WithPolicy(ulong policy)
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), policy);
        return SnpReport.Parse(bytes);
    }

    [Test]
    public void The_real_Azure_report_satisfies_Constellations_policy_at_its_own_TCB()
    {
        var options = SnpValidationOptions.Constellation(new SnpTcbParts(2, 0, 6, 93), alsoCheckReportedTcb: true);

        SnpReportValidator.Validate(Verified(Azure), options).Violations.Should().BeEmpty();
    }

    [Test]
    public void A_report_whose_policy_allows_debug_is_rejected_by_default()
    {
        var violations = SnpReportValidator.Validate(Verified(WithPolicy(0x3001f | (1UL << 19))), new SnpValidationOptions()).Violations;

        violations.Should().ContainSingle().Which.Should().Be(new PolicyViolation("policy.debug", "not allowed", "allowed"));
    }

    [Test]
    public void Every_violation_is_reported_not_just_the_first()
    {
        var options = new SnpValidationOptions
        {
            Vmpl = 1,
            MinimumGuestSvn = 5,
            PermitSmt = false,
            Measurement = new byte[48],
            HostData = new byte[32],
            MinimumLaunchTcb = new SnpTcbParts(3, 1, 7, 94),
            MinimumTcb = new SnpTcbParts(2, 0, 8, 0),
            RequireIdBlock = true,
            RequireSingleSocket = true,
            MinimumBuild = 200,
        };

        var fields = SnpReportValidator.Validate(Verified(WithPolicy(0x3001f | (1UL << 19) | (1UL << 18))), options).Violations.Select(v => v.Field);

        fields.Should().BeEquivalentTo(
            "guest_svn", "policy.debug", "policy.smt", "policy.migrate_ma", "policy.single_socket", "vmpl", "measurement",
            "launch_tcb.bootloader", "launch_tcb.tee", "launch_tcb.snp", "launch_tcb.microcode", "reported_tcb.snp", "current_build", "id_key_digest");
    }

    [Test]
    public void A_policy_exception_carries_every_violation_with_expected_and_actual_values()
    {
        var options = new SnpValidationOptions { Vmpl = 2, ReportData = new byte[64] };

        var act = () => SnpReportValidator.Validate(Verified(Azure), options).ThrowIfInvalid();

        var error = act.Should().Throw<AttestationPolicyException>().Which;
        error.Violations.Should().HaveCount(2);
        error.Violations[0].Should().Be(new PolicyViolation("vmpl", "2", "0"));
        error.Violations[1].Actual.Should().Be(Convert.ToHexStringLower(Azure.ReportData));
    }

    [Test]
    public void A_trusted_ID_key_digest_satisfies_an_ID_block_requirement_and_an_unknown_one_does_not()
    {
        var report = Azure;
        var trusted = new SnpValidationOptions { RequireIdBlock = true, TrustedIdKeyDigests = [report.IdKeyDigest.ToArray()] };
        var untrusted = new SnpValidationOptions { RequireIdBlock = true, TrustedIdKeyDigests = [new byte[48]] };

        SnpReportValidator.Validate(Verified(report), trusted).Violations.Should().BeEmpty();
        SnpReportValidator.Validate(Verified(report), untrusted).Violations.Should().ContainSingle().Which.Field.Should().Be("id_key_digest");
    }

    [Test]
    public void Provisional_firmware_is_rejected_unless_permitted()
    {
        var bytes = SnpVectors.ConstellationVlekReportBytes; // committed TCB (ucode 0x73) below current (ucode 0xce)
        var report = SnpReport.Parse(bytes);

        SnpReportValidator.Validate(Verified(report), new SnpValidationOptions()).Violations.Select(v => v.Field).Should().Contain("committed_tcb");
        SnpReportValidator.Validate(Verified(report), new SnpValidationOptions { PermitProvisionalFirmware = true }).Violations.Select(v => v.Field).Should().NotContain("committed_tcb");
    }

    [Test]
    public void Platform_info_bits_outside_the_permitted_set_and_missing_required_bits_are_violations()
    {
        var aws = SnpReport.Parse(SnpVectors.AwsReportBytes); // platform info 0x27

        var violations = SnpReportValidator.Validate(Verified(aws), new SnpValidationOptions { PermitProvisionalFirmware = true, PermittedPlatformInfo = 0x1, RequiredPlatformInfo = 0x8 }).Violations;

        violations.Should().HaveCount(2).And.OnlyContain(v => v.Field == "platform_info");
    }

    [Test]
    public void Mitigation_vectors_must_contain_the_required_bits()
    {
        var violations = SnpReportValidator.Validate(Verified(Azure), new SnpValidationOptions { MinimumLaunchMitigationVector = 0x3, MinimumCurrentMitigationVector = 0x1 }).Violations;

        violations.Select(v => v.Field).Should().Equal("launch_mit_vector", "current_mit_vector");
    }
}
