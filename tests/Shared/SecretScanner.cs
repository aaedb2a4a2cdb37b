using System.Text;

namespace Constellation.Tests;

/// <summary>
/// Looks for secret bytes in captured text (logs, exception messages, <c>ToString()</c> output) in every encoding a
/// careless message would use: lowercase and uppercase hex, standard and URL-safe Base64 (with and without padding).
/// </summary>
internal sealed class SecretScanner
{
    private readonly List<(string Name, string Form, string Text)> _needles = [];

    /// <summary>Adds a secret under a name used in failure messages.</summary>
    public SecretScanner Add(string name, ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 8)
        {
            throw new ArgumentException("secrets shorter than 8 bytes would match by chance", nameof(secret));
        }

        var standard = Convert.ToBase64String(secret);
        var url = standard.Replace('+', '-').Replace('/', '_');
        _needles.Add((name, "lowercase hex", Convert.ToHexStringLower(secret)));
        _needles.Add((name, "uppercase hex", Convert.ToHexString(secret)));
        _needles.Add((name, "Base64", standard));
        _needles.Add((name, "Base64 without padding", standard.TrimEnd('=')));
        _needles.Add((name, "URL-safe Base64", url));
        _needles.Add((name, "URL-safe Base64 without padding", url.TrimEnd('=')));
        return this;
    }

    public int SecretCount => _needles.Count / 6;

    /// <summary>Every (secret, encoding) found in <paramref name="haystack"/>.</summary>
    public IReadOnlyList<string> FindIn(string haystack)
    {
        var found = new List<string>();
        foreach (var (name, form, text) in _needles)
        {
            if (haystack.Contains(text, StringComparison.Ordinal))
            {
                found.Add($"{name} as {form}");
            }
        }

        return found;
    }

    /// <summary>Concatenates captured texts with separators, so that a secret never spans two of them.</summary>
    public static string Join(IEnumerable<string> texts)
    {
        var all = new StringBuilder();
        foreach (var text in texts)
        {
            all.Append(text).Append("\n\u0000\n");
        }

        return all.ToString();
    }
}
