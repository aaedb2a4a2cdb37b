using System.Security.Cryptography;
using Constellation.Attestation.Binding;

namespace Constellation.Attestation.Tests.Binding;

public class ExtraDataTests
{
    private static readonly byte[] UserData = "user data"u8.ToArray();
    private static readonly byte[] Nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Test]
    public void Extra_data_is_the_SHA_256_of_user_data_followed_by_the_nonce()
    {
        ExtraData.Compute(UserData, Nonce).Should().Equal(SHA256.HashData([.. UserData, .. Nonce]));
    }

    [Test]
    public void The_TPM_nonce_binds_the_instance_info_to_the_extra_data()
    {
        var extraData = ExtraData.Compute(UserData, Nonce);
        var instanceInfo = "{\"zone\":\"z\"}"u8.ToArray();

        ExtraData.TpmNonce(instanceInfo, extraData).Should().Equal(SHA256.HashData([.. instanceInfo, .. extraData]));
    }

    [Test]
    public void Report_data_is_the_extra_data_followed_by_32_zero_bytes_whichever_way_it_is_computed()
    {
        var expected = SHA256.HashData([.. UserData, .. Nonce]).Concat(new byte[32]).ToArray();

        ExtraData.ReportData(UserData, Nonce).Should().Equal(expected);
        ExtraData.ReportData(ExtraData.Compute(UserData, Nonce)).Should().Equal(expected);
    }

    [TestCase(0)]
    [TestCase(31)]
    [TestCase(64)]
    public void Only_a_32_byte_extra_data_is_padded_to_report_data(int length)
    {
        var act = () => ExtraData.ReportData(new byte[length]);

        act.Should().Throw<ArgumentException>().WithMessage("*32 bytes*");
    }

    [Test]
    public async Task The_reusing_hasher_gives_the_same_bindings_under_concurrent_use()
    {
        var hasher = new BindingHasher();
        var inputs = Enumerable.Range(0, 64).Select(i => (User: BitConverter.GetBytes(i), Nonce: SHA256.HashData(BitConverter.GetBytes(~i)))).ToArray();

        var results = await Task.WhenAll(inputs.Select(input => Task.Run(() =>
        {
            var extraData = hasher.ExtraData(input.User, input.Nonce);
            return (extraData, tpmNonce: hasher.TpmNonce(input.Nonce, extraData));
        })));

        for (var i = 0; i < inputs.Length; i++)
        {
            results[i].extraData.Should().Equal(ExtraData.Compute(inputs[i].User, inputs[i].Nonce));
            results[i].tpmNonce.Should().Equal(ExtraData.TpmNonce(inputs[i].Nonce, results[i].extraData));
        }
    }
}
