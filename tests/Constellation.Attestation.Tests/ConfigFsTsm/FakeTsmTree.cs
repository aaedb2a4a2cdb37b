using System.Globalization;
using System.Text;
using Constellation.Attestation.ConfigFsTsm;

namespace Constellation.Attestation.Tests.ConfigFsTsm;

/// <summary>
/// An in-memory configfs-tsm tree that behaves like the kernel: mkdir creates the attributes, every attribute write
/// bumps generation, reading outblob asks <see cref="Produce"/> for the report over the written inblob. Records every
/// operation so tests can say what reached the entry.
/// </summary>
internal sealed class FakeTsmTree(string root) : ITsmFileSystem
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { root };

    public string Provider { get; set; } = "sev_guest\n";

    public bool HasPrivlevel { get; set; } = true;

    public byte[]? AuxBlob { get; set; }

    /// <summary>Makes the report from inblob; default echoes it.</summary>
    public Func<byte[], byte[]> Produce { get; set; } = inblob => inblob;

    public Action<string>? OnReadOutblob { get; set; }

    public List<string> Log { get; } = [];

    public IReadOnlyCollection<string> Directories => _directories;

    public void CreateDirectory(string path)
    {
        Log.Add("mkdir " + Path.GetFileName(path));
        _directories.Add(path);
        _files[Path.Combine(path, "provider")] = Encoding.ASCII.GetBytes(Provider);
        _files[Path.Combine(path, "generation")] = "0\n"u8.ToArray();
        _files[Path.Combine(path, "inblob")] = [];
        _files[Path.Combine(path, "outblob")] = [];
        if (HasPrivlevel)
        {
            _files[Path.Combine(path, "privlevel")] = "0\n"u8.ToArray();
        }

        if (AuxBlob is not null)
        {
            _files[Path.Combine(path, "auxblob")] = AuxBlob;
        }
    }

    public void RemoveDirectory(string path)
    {
        Log.Add("rmdir " + Path.GetFileName(path));
        _directories.Remove(path);
        foreach (var file in _files.Keys.Where(f => Path.GetDirectoryName(f) == path).ToList())
        {
            _files.Remove(file);
        }
    }

    public bool DirectoryExists(string path) => _directories.Contains(path);

    public bool FileExists(string path) => _files.ContainsKey(path);

    public ValueTask<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        Log.Add("read " + name);
        if (name == "outblob")
        {
            var entry = Path.GetDirectoryName(path)!;
            OnReadOutblob?.Invoke(entry);
            return ValueTask.FromResult(Produce(_files[Path.Combine(entry, "inblob")]));
        }

        return ValueTask.FromResult(_files[path]);
    }

    public ValueTask WriteAllBytesAsync(string path, byte[] data, CancellationToken cancellationToken)
    {
        Log.Add("write " + Path.GetFileName(path));
        _files[path] = data;
        Bump(Path.GetDirectoryName(path)!);
        return ValueTask.CompletedTask;
    }

    public void Set(string entry, string attribute, string text) => _files[Path.Combine(entry, attribute)] = Encoding.ASCII.GetBytes(text);

    public void Bump(string entry)
    {
        var generationPath = Path.Combine(entry, "generation");
        var generation = long.Parse(Encoding.ASCII.GetString(_files[generationPath]).Trim(), CultureInfo.InvariantCulture);
        _files[generationPath] = Encoding.ASCII.GetBytes((generation + 1).ToString(CultureInfo.InvariantCulture) + "\n");
    }
}
