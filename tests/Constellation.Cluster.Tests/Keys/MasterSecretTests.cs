using System.Text;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Tests.Keys;

public class MasterSecretTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("hosts-ms-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_master_secret_file_is_created_with_mode_0600()
    {
        var path = Path.Combine(_dir, "constellation-mastersecret.json");
        await MasterSecret.Generate().WriteFileAsync(path);

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Test]
    public async Task An_existing_master_secret_file_is_never_overwritten()
    {
        var path = Path.Combine(_dir, "mastersecret.json");
        var first = MasterSecret.Generate();
        await first.WriteFileAsync(path);

        var overwrite = () => MasterSecret.Generate().WriteFileAsync(path);

        await overwrite.Should().ThrowAsync<IOException>();
        (await MasterSecret.ReadFileAsync(path)).Key.ToArray().Should().Equal(first.Key.ToArray());
    }

    [Test]
    public void The_file_form_is_constellations_key_and_salt_in_standard_base64()
    {
        var secret = new MasterSecret(Enumerable.Repeat((byte)0xfb, 32).ToArray(), Enumerable.Repeat((byte)0xff, 32).ToArray());
        var json = Encoding.UTF8.GetString(secret.ToJsonBytes());

        json.Should().Be($"{{\"key\":\"{Convert.ToBase64String(secret.Key.Span)}\",\"salt\":\"{Convert.ToBase64String(secret.Salt.Span)}\"}}");
        MasterSecret.ParseJson(Encoding.UTF8.GetBytes(json)).Salt.ToArray().Should().Equal(secret.Salt.ToArray());
    }

    [Test]
    public void The_kms_uri_uses_the_url_alphabet_with_padding_and_round_trips()
    {
        var secret = new MasterSecret(Enumerable.Repeat((byte)0xfb, 16).ToArray(), Enumerable.Repeat((byte)0xff, 32).ToArray());
        var uri = secret.ToKmsUri();

        uri.Should().Be("kms://cluster-kms?key=-_v7-_v7-_v7-_v7-_v7-w==&salt=__________________________________________8=");
        var parsed = MasterSecret.ParseKmsUri(uri);
        parsed.Key.ToArray().Should().Equal(secret.Key.ToArray());
        parsed.Salt.ToArray().Should().Equal(secret.Salt.ToArray());
    }

    [Test]
    public void A_kms_uri_with_percent_encoded_padding_parses()
    {
        var secret = MasterSecret.Generate();
        var encoded = secret.ToKmsUri().Replace("=", "%3D").Replace("key%3D", "key=").Replace("salt%3D", "salt=");
        MasterSecret.ParseKmsUri(encoded).Key.ToArray().Should().Equal(secret.Key.ToArray());
    }

    [TestCase("kms://other?key=AAAA&salt=AAAA", "scheme and host")]
    [TestCase("kms://cluster-kms?salt=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "missing parameter key")]
    [TestCase("kms://cluster-kms?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "missing parameter salt")]
    [TestCase("kms://cluster-kms?key=AAAA&salt=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "at least 16 bytes")]
    [TestCase("kms://cluster-kms?key=!!!!&salt=AAAA", "parameter key is not Base64")]
    public void Malformed_kms_uris_are_refused_with_a_reason(string uri, string reason)
    {
        var parse = () => MasterSecret.ParseKmsUri(uri);
        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Test]
    public void ToString_and_parse_errors_never_reveal_the_secret()
    {
        var secret = MasterSecret.Generate();
        var b64 = Convert.ToBase64String(secret.Key.Span);

        secret.ToString().Should().NotContain(b64).And.Contain("redacted");
        var broken = Encoding.UTF8.GetBytes($"{{\"key\":\"{b64}\",\"salt\":");
        var parse = () => MasterSecret.ParseJson(broken);
        parse.Should().Throw<FormatException>().Which.Message.Should().NotContain(b64);
    }

    [Test]
    public void Short_secrets_and_salts_are_refused()
    {
        var shortKey = () => new MasterSecret(new byte[15], new byte[32]);
        var shortSalt = () => new MasterSecret(new byte[16], new byte[31]);
        shortKey.Should().Throw<ArgumentException>().WithMessage("*at least 16 bytes, got 15*");
        shortSalt.Should().Throw<ArgumentException>().WithMessage("*at least 32 bytes, got 31*");
    }
}
