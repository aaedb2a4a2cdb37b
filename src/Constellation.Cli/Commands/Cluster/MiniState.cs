using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// <c>&lt;dir&gt;/mini-state.json</c>: what <c>mini up</c> started outside this process (swtpm PIDs and their state
/// directories), rewritten after every start so <c>mini down</c> can clean up even after a crash.
/// </summary>
internal sealed class MiniState
{
    public const string FileName = "mini-state.json";

    public string Variant { get; set; } = string.Empty;

    public List<SwtpmInstance> Swtpm { get; set; } = [];

    public static string PathIn(string root) => Path.Combine(root, FileName);

    public static Task<MiniState?> ReadAsync(string root, CancellationToken cancellationToken)
    {
        var path = PathIn(root);
        if (!File.Exists(path))
        {
            return Task.FromResult<MiniState?>(null);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var bytes = InputFile.ReadBytes(path, "mini state", InputCap.ConfigFile);
        return Task.FromResult<MiniState?>(JsonSerializer.Deserialize(bytes, MiniStateJsonContext.Default.MiniState) ?? throw new JsonException($"{path}: empty state"));
    }

    public async Task WriteAsync(string root, CancellationToken cancellationToken)
    {
        var path = PathIn(root);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(this, MiniStateJsonContext.Default.MiniState), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
