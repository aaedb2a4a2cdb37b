using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class AtlsKeyPoolTests
{
    private static async Task WaitUntilFullAsync(AtlsKeyPool pool)
    {
        // Bounded wait for the background fill; the assertion after it is what the test checks.
        for (var i = 0; i < 600 && pool.Available < pool.Capacity; i++)
        {
            await Task.Delay(50);
        }

        pool.Available.Should().Be(pool.Capacity, "the pool fills itself in the background");
    }

    [Test]
    public async Task The_pool_never_hands_out_the_same_key_twice()
    {
        using var pool = new AtlsKeyPool(4);
        pool.Prime();
        await WaitUntilFullAsync(pool);
        var seen = new HashSet<string>();
        var rented = new List<AtlsKey>();
        try
        {
            // More rents than the capacity, concurrently: pooled and inline keys alike must all differ.
            var keys = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(pool.Rent)));
            rented.AddRange(keys);
            foreach (var key in keys)
            {
                seen.Add(Convert.ToHexString(key.SubjectPublicKeyInfo)).Should().BeTrue("every rented key is new");
            }
        }
        finally
        {
            rented.ForEach(k => k.Dispose());
        }

        seen.Should().HaveCount(64);
    }

    [Test]
    public async Task A_rented_key_carries_its_own_spki_and_user_data()
    {
        using var pool = new AtlsKeyPool(2);
        pool.Prime();
        await WaitUntilFullAsync(pool);
        using var key = pool.Rent();
        key.SubjectPublicKeyInfo.Should().Equal(key.Key.ExportSubjectPublicKeyInfo());
        key.UserData.Should().Equal(SHA256.HashData(key.Key.ExportSubjectPublicKeyInfo()));
        key.Key.KeySize.Should().Be(256);
    }

    [Test]
    public async Task Renting_refills_the_pool_in_the_background()
    {
        using var pool = new AtlsKeyPool(3);
        pool.Prime();
        await WaitUntilFullAsync(pool);
        pool.Rent().Dispose();
        pool.Rent().Dispose();
        await WaitUntilFullAsync(pool);
    }

    [Test]
    public async Task A_disposed_pool_refuses_to_rent_and_releases_its_keys()
    {
        var pool = new AtlsKeyPool(2);
        pool.Prime();
        await WaitUntilFullAsync(pool);
        pool.Dispose();
        pool.Available.Should().Be(0);
        pool.Invoking(p => p.Rent()).Should().Throw<ObjectDisposedException>();
        pool.Invoking(p => p.Prime()).Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public void A_pool_needs_room_for_at_least_one_key()
    {
        FluentActions.Invoking(() => new AtlsKeyPool(0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void A_negative_pool_size_is_refused_and_zero_disables_the_pool()
    {
        FluentActions.Invoking(() => new AtlsOptions { KeyPoolSize = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        new AtlsOptions { KeyPoolSize = 0 }.KeyPool.Should().BeNull();
        new AtlsOptions().KeyPool!.Capacity.Should().Be(AtlsOptions.DefaultKeyPoolSize);
    }

    [Test]
    public async Task Pooled_certificates_carry_distinct_keys_each_bound_to_its_own_nonce()
    {
        var options = new AtlsOptions { KeyPoolSize = 2 };
        await WaitUntilFullAsync(options.KeyPool!);
        var issuer = new DummyIssuer();
        var spkis = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            var nonce = AtlsNonce.Create();
            using var certificate = await AtlsCertificateFactory.CreateAsync(issuer, nonce, null, options.KeyPool, CancellationToken.None);
            var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
            spkis.Add(Convert.ToHexString(spki)).Should().BeTrue();
            var document = DummyDocument.Parse(certificate.Extensions[issuer.Variant.Oid]!.RawData);
            document.Nonce.ToArray().Should().Equal(nonce);
            document.UserData.ToArray().Should().Equal(SHA256.HashData(spki));
            using var key = certificate.GetECDsaPrivateKey()!;
            key.ExportSubjectPublicKeyInfo().Should().Equal(spki);
        }
    }
}

public sealed class AtlsKeyTypeTests
{
    [Test]
    public void On_Linux_certificate_keys_are_OpenSSL_keys_that_certificates_attach_by_handle()
    {
        using var key = AtlsKey.Generate();
        if (OperatingSystem.IsLinux())
        {
            // ECDsa.Create's wrapper type would make CopyWithPrivateKey export and re-import the private scalar.
            key.Key.Should().BeOfType<ECDsaOpenSsl>();
        }

        key.Key.KeySize.Should().Be(256);
        key.SubjectPublicKeyInfo.Should().Equal(key.Key.ExportSubjectPublicKeyInfo());
    }

    [Test]
    public async Task A_certificate_private_key_is_the_key_its_public_key_names()
    {
        var options = new AtlsOptions { KeyPoolSize = 1 };
        using var certificate = await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), AtlsNonce.Create(), null, options.KeyPool, CancellationToken.None);
        using var privateKey = certificate.GetECDsaPrivateKey()!;
        using var publicKey = certificate.GetECDsaPublicKey()!;
        var data = "handshake transcript"u8.ToArray();
        publicKey.VerifyData(data, privateKey.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256).Should().BeTrue();
        options.KeyPool!.Dispose();
    }
}
