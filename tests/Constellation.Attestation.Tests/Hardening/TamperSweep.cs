using System.Text;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Runs a check over every single-byte flip of a region, or over every truncation length, and collects each input
/// that was accepted or rejected with something other than the expected typed error. One NUnit case per vector; the
/// bytes are looped inside (thousands of NUnit cases would slow the run).
/// </summary>
internal static class TamperSweep
{
    /// <summary>Flips each byte in [start, end) with <paramref name="mask"/> and expects <typeparamref name="TError"/> from <paramref name="check"/>.</summary>
    public static SweepOutcome Flip<TError>(byte[] original, int start, int end, Action<byte[]> check, byte mask = 0x01)
        where TError : Exception =>
        FlipCore(original, start, end, mask, typeof(TError), (outcome, label, bytes) => outcome.Run(label, () => check(bytes)));

    private static SweepOutcome FlipCore(byte[] original, int start, int end, byte mask, Type expected, Action<SweepOutcome, string, byte[]> run)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, original.Length);
        var outcome = new SweepOutcome(expected);

        // Each flip is independent; spreading them over the cores keeps the default run short.
        Parallel.For(start, end, offset =>
        {
            var tampered = (byte[])original.Clone();
            tampered[offset] ^= mask;
            run(outcome, $"byte {offset} ^ 0x{mask:x2}", tampered);
        });
        return outcome;
    }

    public static async Task<SweepOutcome> FlipAsync<TError>(byte[] original, int start, int end, Func<byte[], ValueTask> check, byte mask = 0x01)
        where TError : Exception
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, original.Length);
        var outcome = new SweepOutcome(typeof(TError));
        await Parallel.ForEachAsync(Enumerable.Range(start, end - start), async (offset, _) =>
        {
            var tampered = (byte[])original.Clone();
            tampered[offset] ^= mask;
            await outcome.RunAsync($"byte {offset} ^ 0x{mask:x2}", () => check(tampered));
        });
        return outcome;
    }

    /// <summary>Runs <paramref name="parse"/> on every proper prefix of <paramref name="original"/> (lengths 0 … n-1).</summary>
    public static SweepOutcome Truncate<TError>(byte[] original, Action<byte[]> parse)
        where TError : Exception
    {
        var outcome = new SweepOutcome(typeof(TError));
        for (var length = 0; length < original.Length; length++)
        {
            var prefix = original.AsSpan(0, length).ToArray();
            outcome.Run($"length {length}", () => parse(prefix));
        }

        return outcome;
    }
}

/// <summary>What a sweep found: inputs that were accepted, and inputs that failed with the wrong exception type.</summary>
internal sealed class SweepOutcome(Type expected)
{
    private readonly List<string> _accepted = [];
    private readonly List<string> _untyped = [];

    private readonly object _gate = new();
    private int _tried;

    public int Tried => _tried;

    public IReadOnlyList<string> Accepted => _accepted;

    public IReadOnlyList<string> Untyped => _untyped;

    /// <summary>The typed errors seen, by type name, with counts (for the assertion message).</summary>
    public SortedDictionary<string, int> ErrorTypes { get; } = new(StringComparer.Ordinal);

    public async ValueTask RunAsync(string label, Func<ValueTask> check)
    {
        Interlocked.Increment(ref _tried);
        try
        {
            await check();
            lock (_gate)
            {
                _accepted.Add(label);
            }
        }
        catch (Exception ex)
        {
            Classify(label, ex);
        }
    }

    public void Run(string label, Action check)
    {
        Interlocked.Increment(ref _tried);
        try
        {
            check();
            lock (_gate)
            {
                _accepted.Add(label);
            }
        }
        catch (Exception ex)
        {
            Classify(label, ex);
        }
    }

    private void Classify(string label, Exception ex)
    {
        lock (_gate)
        {
            ClassifyLocked(label, ex);
        }
    }

    private void ClassifyLocked(string label, Exception ex)
    {
        if (expected.IsInstanceOfType(ex))
        {
            var name = ex.GetType().Name;
            ErrorTypes[name] = ErrorTypes.GetValueOrDefault(name) + 1;
        }
        else
        {
            // The first one with its stack trace, so that a failing sweep points at the code to fix.
            _untyped.Add(_untyped.Count == 0 ? $"{label}: {ex}" : $"{label}: {ex.GetType().FullName}: {ex.Message}");
        }
    }

    /// <summary>Asserts that every input was rejected with the expected typed error.</summary>
    public void ShouldRejectEverything(string what)
    {
        Tried.Should().BePositive($"the sweep over {what} must try something");
        _untyped.Should().BeEmpty($"every tampered {what} must fail with a typed {expected.Name}, never another exception type");
        _accepted.Should().BeEmpty($"no tampered {what} may be accepted");
        TestContext.Out.WriteLine($"{what}: {Tried} inputs rejected ({Describe()})");
    }

    private string Describe()
    {
        var text = new StringBuilder();
        foreach (var (name, count) in ErrorTypes)
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(name).Append(' ').Append(count);
        }

        return text.ToString();
    }
}
