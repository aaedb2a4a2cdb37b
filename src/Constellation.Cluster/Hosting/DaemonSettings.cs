using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// Reads one daemon's settings from its configuration section strictly: every key must be one the daemon knows
/// (a misspelt key is an error, not a silently ignored default), and every value is parsed with a message naming the
/// setting, the expectation and what was given. Setting names are PascalCase keys; their flags are the kebab-case
/// form (<c>StateDiskSizeMiB</c> ↔ <c>--state-disk-size-mib</c>).
/// </summary>
public sealed class DaemonSettings
{
    private readonly IConfigurationSection _section;
    private readonly HashSet<string> _known;

    /// <summary>Creates a reader over <paramref name="section"/> that accepts only <paramref name="knownKeys"/>.</summary>
    /// <param name="section">The daemon's section (e.g. <c>Bootstrapper</c>).</param>
    /// <param name="knownKeys">The keys the daemon reads.</param>
    /// <exception cref="ClusterConfigurationException">The section holds a key the daemon does not know.</exception>
    public DaemonSettings(IConfigurationSection section, IEnumerable<string> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(knownKeys);
        _section = section;
        _known = new HashSet<string>(knownKeys, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                throw new ClusterConfigurationException(
                    $"{section.Path}:{child.Key} ({Flag(child.Key)})", $"one of the settings {string.Join(", ", knownKeys)}", "an unknown setting");
            }
        }
    }

    /// <summary>Converts a setting name to its flag: <c>ListenAddress</c> → <c>--listen-address</c>.</summary>
    /// <param name="key">The PascalCase key.</param>
    /// <returns>The flag.</returns>
    public static string Flag(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        // "MiB" is one word: StateDiskSizeMiB is --state-disk-size-mib.
        key = key.Replace("MiB", "Mib", StringComparison.Ordinal);
        var flag = new StringBuilder("--");
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            var startsWord = char.IsUpper(c) && i > 0 && (char.IsLower(key[i - 1]) || (i + 1 < key.Length && char.IsLower(key[i + 1]) && char.IsUpper(key[i - 1])));
            if (startsWord)
            {
                flag.Append('-');
            }

            flag.Append(char.ToLowerInvariant(c));
        }

        return flag.ToString();
    }

    /// <summary>Names a setting for messages: <c>Section:Key (--flag)</c>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The name.</returns>
    public string Name(string key) => $"{_section.Path}:{key} ({Flag(key)})";

    /// <summary>Reads a string, or <paramref name="fallback"/> when the setting is absent or empty.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public string? Text(string key, string? fallback = null)
    {
        Require(key);
        var value = _section[key];
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }

    /// <summary>Reads a required string.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expected">What it must be, for the message.</param>
    /// <returns>The value.</returns>
    public string RequiredText(string key, string expected) =>
        Text(key) ?? throw new ClusterConfigurationException(Name(key), expected, "nothing (the setting is required)");

    /// <summary>Reads an absolute path, or <paramref name="fallback"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The full path, or <see langword="null"/>.</returns>
    public string? Path(string key, string? fallback = null)
    {
        var value = Text(key, fallback);
        if (value is null)
        {
            return null;
        }

        if (!System.IO.Path.IsPathFullyQualified(value))
        {
            throw new ClusterConfigurationException(Name(key), "an absolute path", Quote(value));
        }

        return System.IO.Path.GetFullPath(value);
    }

    /// <summary>Reads a required absolute path.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The full path.</returns>
    public string RequiredPath(string key) =>
        Path(key) ?? throw new ClusterConfigurationException(Name(key), "an absolute path", "nothing (the setting is required)");

    /// <summary>Reads a path that must name an existing file.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The full path, or <see langword="null"/> when absent.</returns>
    public string? ExistingFile(string key)
    {
        var path = Path(key);
        if (path is not null && !File.Exists(path))
        {
            throw new ClusterConfigurationException(Name(key), "an existing file", $"{Quote(path)}, which does not exist");
        }

        return path;
    }

    /// <summary>Reads an IP address.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The address.</returns>
    public IPAddress Address(string key, IPAddress fallback)
    {
        var value = Text(key);
        if (value is null)
        {
            return fallback;
        }

        return IPAddress.TryParse(value, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : throw new ClusterConfigurationException(Name(key), "an IP address of this node (not a wildcard)", Quote(value));
    }

    /// <summary>Reads a TCP port (0 picks a free one).</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The port.</returns>
    public int Port(string key, int fallback) => Number(key, fallback, 0, 65535, "a TCP port (0 to 65535)");

    /// <summary>Reads an integer within bounds.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value.</param>
    /// <param name="expected">What it must be, for the message.</param>
    /// <returns>The value.</returns>
    public int Number(string key, int fallback, int minimum, int maximum, string expected)
    {
        var value = Text(key);
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
            ? number
            : throw new ClusterConfigurationException(Name(key), expected, Quote(value));
    }

    /// <summary>Reads a duration in seconds (decimals allowed).</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="minimum">The shortest duration.</param>
    /// <returns>The duration.</returns>
    public TimeSpan Seconds(string key, TimeSpan fallback, TimeSpan minimum)
    {
        var value = Text(key);
        if (value is null)
        {
            return fallback;
        }

        return double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= minimum.TotalSeconds && seconds <= 86400
            ? TimeSpan.FromSeconds(seconds)
            : throw new ClusterConfigurationException(Name(key), $"a number of seconds from {minimum.TotalSeconds.ToString(CultureInfo.InvariantCulture)} to 86400", Quote(value));
    }

    /// <summary>Reads a boolean (<c>true</c>/<c>false</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public bool Switch(string key, bool fallback)
    {
        var value = Text(key);
        if (value is null)
        {
            return fallback;
        }

        return bool.TryParse(value, out var flag) ? flag : throw new ClusterConfigurationException(Name(key), "true or false", Quote(value));
    }

    /// <summary>
    /// Reads a list: one value with comma-separated items (environment, flags; it replaces a list from the file), or a
    /// JSON array / indexed keys (<c>Key:0</c>). Empty items are dropped.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>The items, in order.</returns>
    public IReadOnlyList<string> List(string key)
    {
        Require(key);
        var section = _section.GetSection(key);
        var children = section.GetChildren().ToList();
        IEnumerable<string?> items = section.Value is null && children.Count > 0
            ? children.OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue).Select(c => c.Value)
            : (section.Value ?? string.Empty).Split(',');
        return items.Select(i => i?.Trim()).Where(i => !string.IsNullOrEmpty(i)).Select(i => i!).ToList();
    }

    /// <summary>Quotes a value for a message (at most 80 characters, control characters escaped).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The quoted value.</returns>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        var escaped = new StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            escaped.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return escaped.Append('"').ToString();
    }

    private void Require(string key)
    {
        if (!_known.Contains(key))
        {
            throw new ArgumentException($"{key} is not one of this daemon's settings", nameof(key));
        }
    }
}
