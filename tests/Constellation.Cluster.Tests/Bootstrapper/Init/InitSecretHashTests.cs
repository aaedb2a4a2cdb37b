using System.Text;
using Constellation.Cluster.Bootstrapper.Init;

namespace Constellation.Cluster.Tests.Bootstrapper.Init;

public class InitSecretHashTests
{
    [Test]
    public void A_hash_made_by_libxcrypt_verifies_and_a_wrong_secret_does_not()
    {
        // libxcrypt's bcrypt (through Python's crypt module) is an independent implementation.
        var hash = Python("import crypt,sys; sys.stdout.write(crypt.crypt('init-secret-1', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))");

        hash.Should().StartWith("$2b$04$");
        InitSecretHash.Verify(hash, Encoding.ASCII.GetBytes("init-secret-1")).Should().BeTrue();
        InitSecretHash.Verify(hash, Encoding.ASCII.GetBytes("init-secret-2")).Should().BeFalse();
    }

    [Test]
    public void A_hash_made_here_verifies_with_libxcrypt()
    {
        var hash = InitSecretHash.Hash(Encoding.ASCII.GetBytes("from-dotnet"), cost: 4);

        Python($"import crypt,sys; sys.stdout.write(str(crypt.crypt('from-dotnet', '{hash}') == '{hash}'))").Should().Be("True");
    }

    [Test]
    public void Random_binary_secrets_round_trip()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var hash = InitSecretHash.Hash(secret, cost: 4);

        InitSecretHash.Verify(hash, secret).Should().BeTrue();
        secret[31] ^= 1;
        InitSecretHash.Verify(hash, secret).Should().BeFalse();
    }

    [TestCase("")]
    [TestCase("$1$abc")]
    [TestCase("$2a$99$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    public void Malformed_hashes_are_a_format_error(string hash)
    {
        var verify = () => InitSecretHash.Verify(hash, [1]);
        verify.Should().Throw<FormatException>();
    }

    private static string Python(string code)
    {
        var start = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-W");
        start.ArgumentList.Add("ignore");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error);
        return output;
    }
}
