using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Constellation.Cluster.VmImage;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>
/// One node VM of the image as <c>mini up --qemu</c> boots it (docs/qemu.md): the image's kernel, its initrd followed by
/// a second newc cpio holding <c>etc/constellation/boot.json</c>, OVMF, a fresh swtpm, an empty sparse state disk
/// (<c>/dev/vda</c>), a metadata disk holding a ustar archive (<c>/dev/vdb</c>) and a virtio NIC on the tap of a
/// <see cref="VmNetwork"/>, QEMU running inside its namespace. The console is collected line by line. Dispose kills
/// QEMU and swtpm and deletes the node's files.
/// </summary>
internal sealed record PreparedNode(string Directory);

/// <inheritdoc cref="QemuNode" path="/summary"/>
internal sealed class QemuNode : IAsyncDisposable
{
    /// <summary>The bound of every wait on the guest (TCG on a shared two-core machine is slow).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    private readonly StringBuilder _console = new();
    private readonly Process _swtpm;
    private readonly Process _qemu;
    private readonly Task _reading;

    private QemuNode(string directory, Process swtpm, Process qemu)
    {
        Directory = directory;
        _swtpm = swtpm;
        _qemu = qemu;
        _reading = Task.WhenAll(CollectAsync(qemu.StandardOutput), CollectAsync(qemu.StandardError));
    }

    /// <summary>Gets the node's directory: <c>vmlinuz</c>, the cluster's <c>initrd.img</c> and <c>cmdline</c> as booted.</summary>
    public string Directory { get; }

    /// <summary>Gets the console so far (carriage returns removed).</summary>
    public string Console
    {
        get
        {
            lock (_console)
            {
                return _console.ToString();
            }
        }
    }

    /// <summary>The cluster-wide, measured configuration the contract with <c>mini up --qemu</c> fixes.</summary>
    public static string BootConfiguration(string initSecretHash) => System.Text.Json.JsonSerializer.Serialize(new
    {
        Bootstrapper = new
        {
            Variant = "qemu-vtpm", InitSecretHash = initSecretHash, Tpm = "/dev/tpmrm0", StateDirectory = "/run/constellation", StateDisk = "/dev/vda",
            MapStateDisk = "true", AttestationConfig = "/run/metadata/attestation-config.json", RetryIntervalSeconds = 1, ClusterStore = false,
        },
    });

    /// <summary>
    /// Prepares the node's directory (the image's kernel and command line, the initrd followed by the configuration
    /// cpio), so its measurements can be predicted before it boots (<see cref="PreparedNode.Directory"/>).
    /// </summary>
    public static async Task<PreparedNode> PrepareAsync(string image, string bootConfiguration)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("vm-node-").FullName;
        try
        {
            File.Copy(VmImageBuild.Kernel(image), Path.Combine(directory, VmImageMeasurements.KernelFileName));
            File.Copy(Path.Combine(image, VmImageMeasurements.CommandLineFileName), Path.Combine(directory, VmImageMeasurements.CommandLineFileName));
            await WriteClusterInitrdAsync(VmImageBuild.Initrd(image), bootConfiguration, Path.Combine(directory, VmImageMeasurements.InitrdFileName));
            return new PreparedNode(directory);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Prepares and boots the node; <paramref name="metadata"/> are the metadata disk's files (name, content) in order.</summary>
    public static async Task<QemuNode> StartAsync(string image, string bootConfiguration, IReadOnlyList<(string Name, string Content)> metadata, VmNetwork network) =>
        await StartAsync(await PrepareAsync(image, bootConfiguration), metadata, network);

    /// <summary>Boots a prepared node (which the returned node then owns); <paramref name="metadata"/> are the metadata disk's files.</summary>
    public static async Task<QemuNode> StartAsync(PreparedNode prepared, IReadOnlyList<(string Name, string Content)> metadata, VmNetwork network)
    {
        var qemu = QemuGuest.Require("qemu-system-x86_64", "qemu-system-x86");
        var swtpm = QemuGuest.Require("swtpm", "swtpm");
        File.Exists(QemuGuest.Ovmf).Should().BeTrue($"OVMF is needed at {QemuGuest.Ovmf} (apt-get install ovmf)");
        var directory = prepared.Directory;
        try
        {
            var metadataDisk = Path.Combine(directory, "metadata.img");
            await WriteMetadataDiskAsync(metadata, metadataDisk);
            var stateDisk = Path.Combine(directory, "state.img");
            await using (var state = File.Create(stateDisk))
            {
                state.SetLength(128L << 20);
            }

            var tpmState = Path.Combine(directory, "tpm");
            System.IO.Directory.CreateDirectory(tpmState);
            var socket = Path.Combine(tpmState, "ctrl.sock");
            using var timeout = new CancellationTokenSource(Bound);
            var tpm = await QemuGuest.StartSwtpmAsync(swtpm, tpmState, socket, timeout.Token);
            try
            {
                string[] arguments =
                [
                    "netns", "exec", network.Namespace, qemu,
                    .. QemuGuest.BootArguments(
                        Path.Combine(directory, VmImageMeasurements.KernelFileName), Path.Combine(directory, VmImageMeasurements.InitrdFileName),
                        await File.ReadAllTextAsync(Path.Combine(directory, VmImageMeasurements.CommandLineFileName)), socket, VmImageMeasurements.DefaultMemoryMiB),
                    "-drive", $"file={stateDisk},format=raw,if=virtio",
                    "-drive", $"file={metadataDisk},format=raw,if=virtio,readonly=on",
                    "-netdev", $"tap,id=net0,ifname={network.Tap},script=no,downscript=no",
                    // romfile= (none): with iPXE's option ROM OVMF would measure it into PCR 2, which then no longer
                    // equals the reference boot's (docs/qemu.md).
                    "-device", "virtio-net-pci,netdev=net0,romfile=",
                ];
                return new QemuNode(directory, tpm, QemuGuest.Start("ip", arguments));
            }
            catch
            {
                QemuGuest.Stop(tpm);
                tpm.Dispose();
                throw;
            }
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Waits for a console line that <paramref name="match"/> accepts and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Bound)
        {
            var line = Console.Split('\n').FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_qemu.HasExited)
            {
                await _reading.WaitAsync(TimeSpan.FromSeconds(10));
                line = Console.Split('\n').FirstOrDefault(match);
                return line ?? throw new AssertionException($"the VM stopped (QEMU exit {_qemu.ExitCode}) before {what}; console:\n{Console}");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the VM did not reach {what} within {Bound}; console:\n{Console}");
    }

    /// <summary>Waits until QEMU exits (the guest reset under <c>-no-reboot</c>) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await _qemu.WaitForExitAsync(timeout.Token);
            await _reading.WaitAsync(TimeSpan.FromSeconds(10));
            return _qemu.ExitCode;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the VM did not stop within {Bound}; console:\n{Console}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        QemuGuest.Stop(_qemu);
        QemuGuest.Stop(_swtpm);
        await _reading.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _qemu.Dispose();
        _swtpm.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The image's initrd followed by a newc cpio of <c>etc/constellation/boot.json</c> (GNU cpio, reproducible).</summary>
    private static async Task WriteClusterInitrdAsync(string baseInitrd, string bootConfiguration, string target)
    {
        var tree = System.IO.Directory.CreateTempSubdirectory("vm-node-boot-").FullName;
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(tree, "etc", "constellation"));
            await File.WriteAllTextAsync(Path.Combine(tree, "etc", "constellation", "boot.json"), bootConfiguration);
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = tree };
            foreach (var argument in (string[])["-c", "set -o pipefail; find . -mindepth 1 -exec touch -h -d @1764547200 {} + && find . -mindepth 1 -printf '%P\\n' | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible"])
            {
                info.ArgumentList.Add(argument);
            }

            await using var output = File.Create(target);
            await using (var first = File.OpenRead(baseInitrd))
            {
                await first.CopyToAsync(output);
            }

            using var cpio = Process.Start(info) ?? throw new AssertionException("bash did not start (cpio is needed)");
            var errors = cpio.StandardError.ReadToEndAsync();
            await cpio.StandardOutput.BaseStream.CopyToAsync(output);
            await cpio.WaitForExitAsync();
            cpio.ExitCode.Should().Be(0, $"cpio should write the configuration archive: {await errors}");
        }
        finally
        {
            System.IO.Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>A raw disk image: a ustar archive of the files, then zeros up to 1 MiB.</summary>
    private static async Task WriteMetadataDiskAsync(IReadOnlyList<(string Name, string Content)> files, string target)
    {
        await using var disk = File.Create(target);
        await using (var tar = new TarWriter(disk, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                await tar.WriteEntryAsync(entry);
            }
        }

        disk.SetLength(Math.Max(disk.Length, 1L << 20));
    }

    private async Task CollectAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_console)
            {
                _console.Append(line.Replace("\r", string.Empty, StringComparison.Ordinal)).Append('\n');
            }
        }
    }
}
