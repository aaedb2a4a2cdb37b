using Constellation.Cluster.Keys;

namespace Constellation.Cli.Tests.Inputs;

/// <summary>
/// <c>init</c> reads the init secret and an existing master secret through the bounded reader: hex with surrounding
/// whitespace and a well-formed master secret file pass on to the node; anything else is exit 2 without the content
/// in the message. (No node listens on the endpoint: reaching the connection step is the proof the files were read.)
/// </summary>
public class InitSecretFileTests
{
    private const string Unreachable = "127.0.0.1:9";
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cli-init-secret-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private async Task<(int ExitCode, string Error)> InitAsync(string secretText, string? masterSecretJson = null)
    {
        var secret = Path.Combine(_dir, "init-secret");
        await File.WriteAllTextAsync(secret, secretText);
        var workspace = Path.Combine(_dir, "workspace");
        Directory.CreateDirectory(workspace);
        if (masterSecretJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(workspace, "constellation-mastersecret.json"), masterSecretJson);
        }

        var (exitCode, _, error) = await CliRunner.RunAsync("init", "--endpoint", Unreachable, "--variant", "dummy", "--init-secret-file", secret, "--workspace", workspace);
        return (exitCode, error);
    }

    [Test]
    public async Task Hex_with_surrounding_whitespace_is_read_and_init_goes_on_to_the_node()
    {
        var (exitCode, error) = await InitAsync("\n  00112233445566778899aabbccddeeff\r\n\t");

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain($"cannot reach the bootstrapper at {Unreachable}");
    }

    [TestCase("zz112233", TestName = "Non_hex_text_is_refused_without_echoing_it")]
    [TestCase("0011223", TestName = "An_odd_number_of_hex_digits_is_refused_without_echoing_it")]
    [TestCase(" \n ", TestName = "Whitespace_only_is_refused_without_echoing_it")]
    public async Task Malformed_init_secret_is_refused(string text)
    {
        var (exitCode, error) = await InitAsync(text);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("--init-secret-file").And.Contain("expected hex text");
        if (text.Trim().Length > 0)
        {
            error.Should().NotContain(text.Trim());
        }
    }

    [Test]
    public async Task An_existing_master_secret_file_is_read_and_reused_unchanged()
    {
        var json = System.Text.Encoding.UTF8.GetString(MasterSecret.Generate().ToJsonBytes());

        var (exitCode, error) = await InitAsync("00112233", json);

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("cannot reach the bootstrapper");
        (await File.ReadAllTextAsync(Path.Combine(_dir, "workspace", "constellation-mastersecret.json"))).Should().Be(json);
    }

    [Test]
    public async Task A_malformed_master_secret_file_is_refused_without_its_content()
    {
        var (exitCode, error) = await InitAsync("00112233", "{\"key\":\"c2VjcmV0LWtleS1ieXRlcw==\"}");

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.Should().Contain("not a master secret file").And.NotContain("c2VjcmV0LWtleS1ieXRlcw");
    }
}
