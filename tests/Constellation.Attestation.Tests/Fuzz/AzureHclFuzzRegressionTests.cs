using System.Security.Cryptography;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Fuzz;

/// <summary>
/// afl++ found an InstanceInfo whose HCL runtime data has <c>keys[0]</c> JWK members that are not base64url: the decoder's
/// <see cref="FormatException"/> escaped the AK binding check.
/// </summary>
public class AzureHclFuzzRegressionTests
{
    private static readonly byte[] AkSpki = CreateAkSpki();

    [Test]
    public void A_runtime_data_key_that_is_not_base64url_is_a_format_error()
    {
        // The input is an azure-sev-snp InstanceInfo whose Azure.RuntimeData carries the damaged JWK.
        var info = SnpInstanceInfo.Parse(FuzzRegression.Input("azure-hcl", "jwk-modulus-not-base64url.json"));

        var act = () => HclAttestationKeyBinding.VerifyAkMatchesRuntimeData(info.AzureRuntimeData!.Value.Span, AkSpki);

        act.Should().Throw<AttestationFormatException>().WithMessage("HCL runtime data keys[0] holds invalid base64url*")
            .WithInnerException<FormatException>();
    }

    [Test]
    public void Runtime_data_with_invalid_utf8_is_a_format_error()
    {
        var runtimeData = TestData.EvidenceBytes("snp/azure-runtimedata.json");
        runtimeData[runtimeData.AsSpan().IndexOf("HCLAkPub"u8)] = 0xc3;

        var act = () => HclAttestationKeyBinding.VerifyAkMatchesRuntimeData(runtimeData, AkSpki);

        act.Should().Throw<AttestationFormatException>().WithMessage("HCL runtime data: not valid UTF-8*");
    }

    private static byte[] CreateAkSpki()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportSubjectPublicKeyInfo();
    }
}
