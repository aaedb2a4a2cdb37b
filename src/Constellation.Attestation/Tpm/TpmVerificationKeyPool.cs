using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tpm;

/// <summary>
/// Reuses imported AK public keys across validations: importing a key into OpenSSL costs several signature
/// verifications, and the same few AKs are validated over and over. Keys are keyed by the exact TPMT_PUBLIC bytes
/// and lent to one caller at a time (platform key objects are not documented as thread-safe). Thread-safe; bounded.
/// </summary>
internal sealed class TpmVerificationKeyPool
{
    private const int MaxKeys = 64;
    private readonly ConcurrentDictionary<string, ConcurrentBag<AsymmetricAlgorithm>> _pool = new(StringComparer.Ordinal);

    public T Use<T>(TpmPublic key, Func<AsymmetricAlgorithm, T> action)
    {
        var id = Convert.ToBase64String(key.RawBytes.Span);
        if (!_pool.TryGetValue(id, out var bag))
        {
            if (_pool.Count >= MaxKeys)
            {
                // Many distinct AKs: start over rather than grow without bound; lent keys are simply dropped later.
                foreach (var entry in _pool.Values)
                {
                    while (entry.TryTake(out var old))
                    {
                        old.Dispose();
                    }
                }

                _pool.Clear();
            }

            bag = _pool.GetOrAdd(id, _ => []);
        }

        var imported = bag.TryTake(out var pooled) ? pooled : Import(key);
        try
        {
            return action(imported);
        }
        finally
        {
            bag.Add(imported);
        }
    }

    private static AsymmetricAlgorithm Import(TpmPublic key) => key.Type == TpmAlgorithm.Rsa ? key.CreateRsa() : key.CreateEcdsa();
}
