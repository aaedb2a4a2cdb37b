using System.Security.Cryptography;

namespace Constellation.Cli.Tests.Debug;

/// <summary><c>constellation debug key</c> writes a P-256 key pair, the private half readable by its owner only, and never overwrites a key.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DebugKeyCommandTests
{
    [Test]
    public async Task An_existing_key_is_never_overwritten()
    {
        var directory = Directory.CreateTempSubdirectory("cli-debug-key-").FullName;
        try
        {
            var first = await CliRunner.RunAsync("debug", "key", "--out", directory);
            first.ExitCode.Should().Be(ExitCodes.Success, first.Error);
            var key = await File.ReadAllTextAsync(Path.Combine(directory, "debug-key.pem"));

            var (exitCode, _, error) = await CliRunner.RunAsync("debug", "key", "--out", directory);

            exitCode.Should().Be(ExitCodes.UnusableInput, error);
            error.Should().Contain("never overwritten");
            (await File.ReadAllTextAsync(Path.Combine(directory, "debug-key.pem"))).Should().Be(key);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task The_private_key_is_owner_only_and_the_public_key_is_its_half()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("cli-debug-key-").FullName, "keys");
        try
        {
            var (exitCode, output, error) = await CliRunner.RunAsync("debug", "key", "--out", directory);

            exitCode.Should().Be(ExitCodes.Success, error);
            var privatePath = Path.Combine(directory, "debug-key.pem");
            File.GetUnixFileMode(privatePath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var key = ECDsa.Create();
            key.ImportFromPem(await File.ReadAllTextAsync(privatePath));
            key.KeySize.Should().Be(256);
            using var publicKey = ECDsa.Create();
            publicKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(directory, "debug-key.pub.pem")));
            publicKey.ExportSubjectPublicKeyInfo().Should().Equal(key.ExportSubjectPublicKeyInfo());
            output.Should().Contain(Constellation.Cluster.Debugd.DebugKeyFingerprint.Of(key.ExportSubjectPublicKeyInfo()));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }
}
