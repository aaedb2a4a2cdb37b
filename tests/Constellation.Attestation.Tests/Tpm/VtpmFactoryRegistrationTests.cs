using System.Text;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

[NonParallelizable]
public class VtpmFactoryRegistrationTests
{
    [Test]
    public async Task A_qemu_vtpm_config_builds_a_validator_that_enforces_its_measurements()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var nonce = Encoding.ASCII.GetBytes("factory");
        var document = await issuer.IssueAsync(new byte[] { 4 }, nonce);
        var factory = AttestationValidatorFactory.CreateDefault();

        var good = factory.Create(new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, SwtpmVtpm.MeasurementsOf(document)));
        var bad = factory.Create(new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, MeasurementSet.Empty.With(9, new Measurement(Enumerable.Repeat((byte)0xab, 32).ToArray()))));

        (await good.ValidateAsync(document, nonce)).UserData.ToArray().Should().Equal(4);
        var act = async () => await bad.ValidateAsync(document, nonce);
        (await act.Should().ThrowAsync<MeasurementMismatchException>()).Which.FailedIndices.Should().Equal(9u);
    }
}
