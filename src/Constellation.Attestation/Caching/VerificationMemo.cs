using System;

namespace Constellation.Attestation.Caching;

/// <summary>
/// Remembers verifications that are pure functions of their input bytes and the verification time: for a given key
/// (a <see cref="MemoKey"/> over every input byte) a success holds for every time inside the window the inputs are
/// valid in. Only successes are stored. Bounded (a <see cref="BoundedMemo{TKey, TValue}"/>); thread-safe.
/// </summary>
/// <typeparam name="T">The remembered result.</typeparam>
internal sealed class VerificationMemo<T>
    where T : class
{
    private const int Capacity = 1024;
    private readonly BoundedMemo<string, (T Value, DateTimeOffset From, DateTimeOffset Until)> _entries = new(Capacity, StringComparer.Ordinal);

    public bool TryGet(string key, DateTimeOffset at, out T? value)
    {
        if (_entries.TryGet(key, out var e) && at >= e.From && at <= e.Until)
        {
            value = e.Value;
            return true;
        }

        value = null;
        return false;
    }

    public void Add(string key, T value, DateTimeOffset from, DateTimeOffset until) => _entries.Add(key, (value, from, until));
}
