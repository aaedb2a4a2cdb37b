using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Tests.Keys;

public class KeyDerivationTests
{
    private static string OpenSslHkdf(byte[] secret, byte[] salt, string info, int length) =>
        Peer.Run("openssl", "kdf", "-keylen", length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:" + Convert.ToHexString(secret), "-kdfopt", "hexsalt:" + Convert.ToHexString(salt),
            "-kdfopt", "info:" + info, "HKDF").Trim().Replace(":", string.Empty).ToLowerInvariant();

    [Test]
    public void Hkdf_matches_rfc5869_test_case_1()
    {
        var ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
        var salt = Convert.FromHexString("000102030405060708090a0b0c");

        // The RFC's info is not ASCII, so this pins the primitive the derivation uses (and the openssl peer) on it.
        var okm = new byte[42];
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, ikm, okm, salt, Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"));
        const string expected = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        Convert.ToHexStringLower(okm).Should().Be(expected);
        Peer.Run("openssl", "kdf", "-keylen", "42", "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:" + Convert.ToHexString(ikm), "-kdfopt", "hexsalt:000102030405060708090a0b0c",
            "-kdfopt", "hexinfo:f0f1f2f3f4f5f6f7f8f9", "HKDF").Trim().Replace(":", string.Empty).ToLowerInvariant().Should().Be(expected);
    }

    [Test]
    public void Hkdf_with_empty_salt_and_info_matches_rfc5869_test_case_3()
    {
        // RFC 5869 test case 3: empty salt and info.
        var ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
        Convert.ToHexStringLower(ClusterKeyDerivation.DeriveKey(ikm, [], string.Empty, 42))
            .Should().Be("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    [TestCase("measurementSecret")]
    [TestCase("ca_emergency_ssh")]
    [TestCase("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47")]
    public void Data_keys_equal_openssl_hkdf_with_the_key_prefix(string id)
    {
        var master = MasterSecret.Generate();
        DataKeyId.TryParseWire(id, out var keyId).Should().BeTrue();
        var derived = ClusterKeyDerivation.DeriveDataKey(master, keyId!, 32);
        Convert.ToHexStringLower(derived).Should().Be(OpenSslHkdf(master.Key.ToArray(), master.Salt.ToArray(), "key-" + id, 32));
    }

    [Test]
    public void Cluster_id_equals_openssl_hkdf_of_measurement_secret_and_salt()
    {
        var master = MasterSecret.Generate();
        var measurementSecret = ClusterKeyDerivation.DeriveDataKey(master, DataKeyId.MeasurementSecret, 32);
        var measurementSalt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        var clusterId = ClusterKeyDerivation.DeriveClusterId(measurementSecret, measurementSalt);

        Convert.ToHexStringLower(clusterId).Should().Be(OpenSslHkdf(measurementSecret, measurementSalt, "key-clusterID", 32));
    }

    [Test]
    public void Pinned_vector_for_a_fixed_master_secret_never_changes()
    {
        // Computed independently with `openssl kdf ... HKDF` and with Python's hmac (RFC 5869 by hand):
        // key = 0x00..0x1f, salt = 0x20..0x3f, info = "key-measurementSecret", 32 bytes.
        var master = new MasterSecret(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), Enumerable.Range(32, 32).Select(i => (byte)i).ToArray());
        Convert.ToHexStringLower(ClusterKeyDerivation.DeriveDataKey(master, DataKeyId.MeasurementSecret, 32))
            .Should().Be("ea7fedd14f5a29b1b8545592fc20bfdae06918e4ff447b1a0b8e4f3356005bda");
    }

    [Test]
    public void Different_disk_uuids_give_different_keys()
    {
        var master = MasterSecret.Generate();
        ClusterKeyDerivation.DeriveDataKey(master, Disk(Guid.NewGuid()), 32)
            .Should().NotEqual(ClusterKeyDerivation.DeriveDataKey(master, Disk(Guid.NewGuid()), 32));
    }

    private static DataKeyId Disk(Guid uuid) => DataKeyId.StateDisk(StateDiskUuid.Parse(uuid.ToString()));
}
