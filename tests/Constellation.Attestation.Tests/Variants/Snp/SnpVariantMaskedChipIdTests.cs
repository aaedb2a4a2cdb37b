using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Tests.Variants.Snp;

/// <summary>The SNP variants refuse a VCEK-signed report with an all-zero CHIP_ID unless <see cref="SnpVariantOptions.PermitMaskedChipId"/> is set.</summary>
public class SnpVariantMaskedChipIdTests
{
    [Test]
    public async Task A_masked_CHIP_ID_in_a_VCEK_report_is_refused_by_the_variant_unless_permitted()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek, reportChipId: new byte[64]);
        await using var server = SnpVariantEvidence.Kds(SnpVariantEvidence.VcekCrlPath, evidence.Pki.CurrentCrl());
        var options = evidence.Options(SnpVariantEvidence.Client(server, new MemoryCollateralCache()));

        var refused = async () => await evidence.ValidateAsync(options);
        (await refused.Should().ThrowAsync<CertificateChainException>()).Which.Message.Should().Contain("CHIP_ID is masked");

        var permitted = new SnpVariantOptions
        {
            MinimumTcb = options.MinimumTcb, TrustedRoots = options.TrustedRoots, VerificationTime = options.VerificationTime, Kds = options.Kds, PermitMaskedChipId = true,
        };
        (await evidence.ValidateAsync(permitted)).ToArray().Should().Equal(evidence.Spki);
    }
}
