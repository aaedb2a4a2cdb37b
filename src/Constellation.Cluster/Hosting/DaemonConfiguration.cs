using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// A daemon's configuration, in increasing precedence: a JSON file (<c>--config &lt;file&gt;</c>) whose only top-level
/// member is the daemon's section (<c>{"Bootstrapper": {…}}</c>), environment variables
/// (<c>CONSTELLATION_&lt;SECTION&gt;__&lt;Key&gt;</c>, e.g. <c>CONSTELLATION_BOOTSTRAPPER__NodeName</c>), and flags in
/// kebab case (<c>--node-name node-0</c>, <c>--control-plane</c> alone means true; a list flag may be repeated or hold
/// comma-separated items, any other flag is given once). Flags win.
/// </summary>
public static class DaemonConfiguration
{
    /// <summary>The flag that names the JSON configuration file.</summary>
    public const string ConfigFlag = "--config";

    /// <summary>The prefix of environment variables the daemons read.</summary>
    public const string EnvironmentPrefix = "CONSTELLATION_";

    /// <summary>Builds the configuration.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="section">The daemon's section, e.g. <c>Bootstrapper</c>.</param>
    /// <param name="knownKeys">The keys the daemon reads (flags are derived from them).</param>
    /// <param name="listKeys">The keys among them that hold lists (their flags may be repeated).</param>
    /// <param name="environment">The environment variables; <see langword="null"/> for the process's.</param>
    /// <returns>The configuration; read it with <see cref="DaemonSettings"/> over <c>GetSection(section)</c>.</returns>
    /// <exception cref="ClusterConfigurationException">An unknown flag, a flag without a value, or an unusable configuration file.</exception>
    public static IConfigurationRoot Build(
        IReadOnlyList<string> args, string section, IReadOnlyCollection<string> knownKeys, IReadOnlyCollection<string> listKeys, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(knownKeys);
        ArgumentNullException.ThrowIfNull(listKeys);
        var flags = knownKeys.ToDictionary(DaemonSettings.Flag, k => k, StringComparer.Ordinal);
        string? file = null;
        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? arg[..separator] : arg;
            string? inline = separator > 0 ? arg[(separator + 1)..] : null;
            string Value(bool optional)
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                return optional ? "true" : throw new ClusterConfigurationException(name, "a value after the flag", "none");
            }

            if (name == ConfigFlag)
            {
                file = file is null ? Value(optional: false) : throw new ClusterConfigurationException(ConfigFlag, "the flag once", "it twice");
            }
            else if (flags.TryGetValue(name, out var key))
            {
                if (!values.TryGetValue(key, out var list))
                {
                    values[key] = list = [];
                }
                else if (!listKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ClusterConfigurationException(name, "the flag once (only list flags repeat)", "it twice");
                }

                list.Add(Value(optional: true));
            }
            else
            {
                throw new ClusterConfigurationException(
                    DaemonSettings.Quote(arg), $"{ConfigFlag} <file> or one of the flags {string.Join(", ", flags.Keys.Order(StringComparer.Ordinal))}", "an unknown argument");
            }
        }

        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            AddFile(builder, Path.GetFullPath(file), section);
        }

        var prefix = EnvironmentPrefix + section.ToUpperInvariant() + "__";
        var fromEnvironment = (environment ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal))
            .Where(e => e.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(e => section + ":" + e.Key[prefix.Length..].Replace("__", ":", StringComparison.Ordinal), e => e.Value, StringComparer.OrdinalIgnoreCase);
        builder.AddInMemoryCollection(fromEnvironment);
        builder.AddInMemoryCollection(values.ToDictionary(v => section + ":" + v.Key, v => (string?)string.Join(',', v.Value), StringComparer.OrdinalIgnoreCase));
        return builder.Build();
    }

    private static void AddFile(ConfigurationBuilder builder, string path, string section)
    {
        if (!File.Exists(path))
        {
            throw new ClusterConfigurationException(ConfigFlag, "an existing JSON file", $"{DaemonSettings.Quote(path)}, which does not exist");
        }

        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            throw new ClusterConfigurationException(
                $"{ConfigFlag}: expected a JSON file, got {DaemonSettings.Quote(path)}, which is not valid JSON ({ex.GetBaseException().Message.ReplaceLineEndings(" ")})", ex);
        }

        var sections = file.GetChildren().Select(c => c.Key).ToList();
        if (sections.Any(s => !string.Equals(s, section, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClusterConfigurationException(
                ConfigFlag, $"a JSON object with one member \"{section}\"", $"{DaemonSettings.Quote(path)} with the members {string.Join(", ", sections.Select(s => $"\"{s}\""))}");
        }

        builder.AddConfiguration(file);
    }
}
