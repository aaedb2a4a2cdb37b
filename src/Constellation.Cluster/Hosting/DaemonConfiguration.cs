using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// A daemon's configuration, in increasing precedence: a JSON file (<c>--config &lt;file&gt;</c>) whose only top-level
/// member is the daemon's section (<c>{"Bootstrapper": {…}}</c>), a JSON file of per-node host input
/// (<c>--metadata &lt;file&gt;</c>, same shape, only the daemon's metadata keys, none the config file sets), environment variables
/// (<c>CONSTELLATION_&lt;SECTION&gt;__&lt;Key&gt;</c>, e.g. <c>CONSTELLATION_BOOTSTRAPPER__NodeName</c>), and flags in
/// kebab case (<c>--node-name node-0</c>, <c>--control-plane</c> alone means true; a list flag may be repeated or hold
/// comma-separated items, any other flag is given once). Flags win.
/// </summary>
public static class DaemonConfiguration
{
    /// <summary>The flag that names the JSON configuration file.</summary>
    public const string ConfigFlag = "--config";

    /// <summary>
    /// The flag that names the JSON file of per-node host input (a VM's metadata disk): unmeasured, so it may set only
    /// the metadata keys the daemon names, and none that the <c>--config</c> file (the measured configuration) sets.
    /// </summary>
    public const string MetadataFlag = "--metadata";

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
        IReadOnlyList<string> args, string section, IReadOnlyCollection<string> knownKeys, IReadOnlyCollection<string> listKeys, IReadOnlyDictionary<string, string?>? environment = null) =>
        Build(args, section, knownKeys, listKeys, [], environment);

    /// <summary>Builds the configuration of a daemon that also takes per-node host input (<see cref="MetadataFlag"/>).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="section">The daemon's section, e.g. <c>Bootstrapper</c>.</param>
    /// <param name="knownKeys">The keys the daemon reads (flags are derived from them).</param>
    /// <param name="listKeys">The keys among them that hold lists (their flags may be repeated).</param>
    /// <param name="metadataKeys">
    /// The keys a <c>--metadata</c> file may set; empty when the daemon takes no metadata (then the flag is unknown).
    /// </param>
    /// <param name="environment">The environment variables; <see langword="null"/> for the process's.</param>
    /// <returns>The configuration; read it with <see cref="DaemonSettings"/> over <c>GetSection(section)</c>.</returns>
    /// <exception cref="ClusterConfigurationException">
    /// An unknown flag, a flag without a value, an unusable configuration or metadata file, a metadata key that is not
    /// one of <paramref name="metadataKeys"/>, or a metadata key that the configuration file also sets.
    /// </exception>
    public static IConfigurationRoot Build(
        IReadOnlyList<string> args,
        string section,
        IReadOnlyCollection<string> knownKeys,
        IReadOnlyCollection<string> listKeys,
        IReadOnlyCollection<string> metadataKeys,
        IReadOnlyDictionary<string, string?>? environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(knownKeys);
        ArgumentNullException.ThrowIfNull(listKeys);
        ArgumentNullException.ThrowIfNull(metadataKeys);
        var flags = knownKeys.ToDictionary(DaemonSettings.Flag, k => k, StringComparer.Ordinal);
        string? file = null;
        string? metadata = null;
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
            else if (name == MetadataFlag && metadataKeys.Count > 0)
            {
                metadata = metadata is null ? Value(optional: false) : throw new ClusterConfigurationException(MetadataFlag, "the flag once", "it twice");
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
                    DaemonSettings.Quote(arg),
                    $"{ConfigFlag} <file>{(metadataKeys.Count > 0 ? $", {MetadataFlag} <file>" : string.Empty)} or one of the flags {string.Join(", ", flags.Keys.Order(StringComparer.Ordinal))}",
                    "an unknown argument");
            }
        }

        var builder = new ConfigurationBuilder();
        var configured = file is null ? null : ReadFile(ConfigFlag, Path.GetFullPath(file), section);
        if (configured is not null)
        {
            builder.AddConfiguration(configured);
        }

        if (metadata is not null)
        {
            builder.AddConfiguration(ReadMetadata(Path.GetFullPath(metadata), section, metadataKeys, configured));
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

    private static IConfigurationRoot ReadMetadata(string path, string section, IReadOnlyCollection<string> metadataKeys, IConfigurationRoot? configured)
    {
        var metadata = ReadFile(MetadataFlag, path, section);
        var allowed = new HashSet<string>(metadataKeys, StringComparer.OrdinalIgnoreCase);
        var measured = new HashSet<string>(
            configured?.GetSection(section).GetChildren().Select(c => c.Key) ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (var key in metadata.GetSection(section).GetChildren().Select(c => c.Key))
        {
            // The metadata file is host input nobody measured: a key outside the list (Variant, InitSecretHash, …) could
            // weaken what the measured configuration promises, and overriding a measured key would silently replace it.
            if (!allowed.Contains(key))
            {
                throw new ClusterConfigurationException(
                    $"{MetadataFlag} {DaemonSettings.Quote(path)}: {section}:{key}", $"only the per-node settings {string.Join(", ", metadataKeys)}", "a setting the metadata may not set");
            }

            if (measured.Contains(key))
            {
                throw new ClusterConfigurationException(
                    $"{MetadataFlag} {DaemonSettings.Quote(path)}: {section}:{key}", $"a setting the {ConfigFlag} file does not set", "one it sets (the configuration file's value is not overridden)");
            }
        }

        return metadata;
    }

    private static IConfigurationRoot ReadFile(string flag, string path, string section)
    {
        if (!File.Exists(path))
        {
            throw new ClusterConfigurationException(flag, "an existing JSON file", $"{DaemonSettings.Quote(path)}, which does not exist");
        }

        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            throw new ClusterConfigurationException(
                $"{flag}: expected a JSON file, got {DaemonSettings.Quote(path)}, which is not valid JSON ({ex.GetBaseException().Message.ReplaceLineEndings(" ")})", ex);
        }

        var sections = file.GetChildren().Select(c => c.Key).ToList();
        if (sections.Any(s => !string.Equals(s, section, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClusterConfigurationException(
                flag, $"a JSON object with one member \"{section}\"", $"{DaemonSettings.Quote(path)} with the members {string.Join(", ", sections.Select(s => $"\"{s}\""))}");
        }

        return file;
    }
}
