using System.Security.Cryptography;
using Constellation.Attestation.Caching;

namespace Constellation.Attestation.Tests.Caching;

public class KeyPoolTests
{
    private static readonly byte[] IdA = [1, 2, 3, 4];
    private static readonly byte[] IdB = [1, 2, 3, 5];

    private static ECDsa NewKey(ReadOnlySpan<byte> id, List<ECDsa> imported)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        imported.Add(key);
        return key;
    }

    [Test]
    public void A_key_given_back_is_lent_again_for_the_same_bytes_and_never_for_other_bytes()
    {
        var pool = new KeyPool<ECDsa>(8);
        var imported = new List<ECDsa>();

        ECDsa first;
        using (var lease = pool.Rent(IdA, imported, NewKey))
        {
            first = lease.Key;
        }

        using (var again = pool.Rent(IdA, imported, NewKey))
        {
            again.Key.Should().BeSameAs(first);
        }

        using (var other = pool.Rent(IdB, imported, NewKey))
        {
            other.Key.Should().NotBeSameAs(first);
        }

        imported.Should().HaveCount(2);
    }

    [Test]
    public void A_key_is_lent_to_one_caller_at_a_time()
    {
        var pool = new KeyPool<ECDsa>(8);
        var imported = new List<ECDsa>();

        using var one = pool.Rent(IdA, imported, NewKey);
        using var two = pool.Rent(IdA, imported, NewKey);

        two.Key.Should().NotBeSameAs(one.Key);
        imported.Should().HaveCount(2);
    }

    [Test]
    public void A_failed_import_pools_nothing_and_is_tried_again()
    {
        var pool = new KeyPool<ECDsa>(8);
        var attempts = 0;

        for (var i = 0; i < 2; i++)
        {
            var act = () => pool.Rent(IdA, 0, (_, _) =>
            {
                attempts++;
                throw new AttestationFormatException("not a key");
            });
            act.Should().Throw<AttestationFormatException>();
        }

        attempts.Should().Be(2);
    }

    [Test]
    public void Past_its_capacity_the_pool_starts_over_and_disposes_the_keys_it_held()
    {
        var pool = new KeyPool<ECDsa>(2);
        var imported = new List<ECDsa>();
        pool.Rent([1], imported, NewKey).Dispose();
        pool.Rent([2], imported, NewKey).Dispose();

        pool.Rent([3], imported, NewKey).Dispose();

        var disposed = () => imported[0].ExportSubjectPublicKeyInfo();
        disposed.Should().Throw<ObjectDisposedException>();
        using var again = pool.Rent([1], imported, NewKey);
        again.Key.Should().NotBeSameAs(imported[0]);
    }
}
