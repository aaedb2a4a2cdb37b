using System.Runtime.InteropServices;

namespace Constellation.Tests;

/// <summary>Files a reader must not trust to end: each is where a read-everything CLI hangs or runs out of memory.</summary>
public enum BadInput
{
    /// <summary><c>/dev/zero</c> itself, or a link to it where the command needs a particular file name.</summary>
    DevZero,

    /// <summary>A FIFO nobody writes to: opening it for reading blocks until a writer appears.</summary>
    FifoWithoutWriter,

    /// <summary>A 3 GiB sparse file: no disk space, but a size no input format comes near.</summary>
    HugeSparseFile,
}

/// <summary>Creates <see cref="BadInput"/> files in a scratch directory.</summary>
internal sealed class BadInputFiles : IDisposable
{
    private const long HugeSize = 3L << 30;

    public BadInputFiles() => Directory = System.IO.Directory.CreateTempSubdirectory("cli-bad-input-").FullName;

    public string Directory { get; }

    /// <summary>Creates the bad input; at <paramref name="name"/> in the scratch directory, or for /dev/zero the device itself when no name is needed.</summary>
    public string Create(BadInput kind, string? name)
    {
        if (kind == BadInput.DevZero && name is null)
        {
            return "/dev/zero";
        }

        var path = Path.Combine(Directory, name ?? "input.bin");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case BadInput.DevZero:
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case BadInput.FifoWithoutWriter:
                MakeFifo(path).Should().Be(0, "mkfifo({0}) must succeed (errno {1})", path, Marshal.GetLastPInvokeError());
                break;
            case BadInput.HugeSparseFile:
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.SetLength(HugeSize);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return path;
    }

    /// <summary>Opens and closes a writer on a FIFO, so a reader blocked in open(2) gets end-of-file and returns.</summary>
    public static async Task ReleaseReaderAsync(string fifo)
    {
        try
        {
            await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose()).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // No reader was blocked on it.
        }
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

#pragma warning disable SYSLIB1054, CA2101 // LibraryImport would need unsafe code in the shared test project; the string is marshalled as UTF-8 explicitly.
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0x180);
#pragma warning restore SYSLIB1054, CA2101
}
