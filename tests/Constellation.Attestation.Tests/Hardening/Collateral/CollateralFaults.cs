using System.Text;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening.Collateral;

/// <summary>One injected fault: how the server misbehaves and what the resulting error message must name as the cause.</summary>
public sealed class CollateralFault
{
    internal CollateralFault(string name, Func<byte[], HttpFault> make, string cause)
    {
        Name = name;
        Make = make;
        Cause = cause;
    }

    public string Name { get; }

    /// <summary>Gets the text the error message must contain to name the cause.</summary>
    public string Cause { get; }

    /// <summary>Gets the fault to serve, given the body a good server would send.</summary>
    internal Func<byte[], HttpFault> Make { get; }

    public override string ToString() => Name;
}

/// <summary>The faults every collateral client is tested against, and a disk cache directory to inspect.</summary>
internal static class CollateralFaults
{
    /// <summary>Short per-attempt timeout so hangs and trickled bodies fail fast; two attempts; back-off waits are skipped.</summary>
    public static CollateralFetcherOptions FetcherOptions(DateTimeOffset now) => new()
    {
        AttemptTimeout = TimeSpan.FromMilliseconds(400),
        MaxAttempts = 2,
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(2),
        MaxRetryAfter = TimeSpan.FromSeconds(5),
        TimeProvider = new RecordingTimeProvider(now),
    };

    public static IEnumerable<TestCaseData> Transport()
    {
        var headersOnly = new Dictionary<string, string> { ["Retry-After"] = "1" };
        var faults = new[]
        {
            new CollateralFault("hang (no answer within the attempt timeout)", _ => new HttpFault.Hang(), "timed out"),
            new CollateralFault("HTTP 500", _ => HttpFault.Error(500, "oops"), "HTTP 500"),
            new CollateralFault("HTTP 502", _ => HttpFault.Error(502, "bad gateway"), "HTTP 502"),
            new CollateralFault("HTTP 503", _ => HttpFault.Error(503, "maintenance"), "HTTP 503"),
            new CollateralFault("HTTP 504", _ => HttpFault.Error(504, "gateway timeout"), "HTTP 504"),
            new CollateralFault("HTTP 429 with Retry-After", _ => HttpFault.Error(429, "slow down", headersOnly), "HTTP 429"),
            new CollateralFault("HTTP 429 without Retry-After", _ => HttpFault.Error(429, "slow down"), "HTTP 429"),
            new CollateralFault("HTTP 404", _ => HttpFault.Error(404, "no such collateral"), "HTTP 404"),
            new CollateralFault("truncated body", body => new HttpFault.TruncatedBody(body, body.Length / 2), "error"),
            new CollateralFault("slow body (trickled past the attempt timeout)", body => new HttpFault.Slow(body, TimeSpan.FromMilliseconds(100)), "timed out"),
            new CollateralFault("connection reset", _ => new HttpFault.Reset(), "error"),
        };
        return faults.Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));
    }

    public static readonly byte[] Html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>");

    public static byte[] Garbage()
    {
        var bytes = new byte[1500];
        new Random(10).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Every file in the cache directory (entries and leftovers), or none when it does not exist.</summary>
    public static string[] Files(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [];

    public static Dictionary<string, byte[]> Snapshot(string directory) =>
        Files(directory).ToDictionary(f => f, File.ReadAllBytes, StringComparer.Ordinal);
}
