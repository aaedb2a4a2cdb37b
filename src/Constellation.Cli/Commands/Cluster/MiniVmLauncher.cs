using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.VmImage;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// Starts and stops one VM node: its swtpm (QEMU's vTPM: the firmware measures the boot into it), its state disk (raw,
/// <c>/dev/vda</c>), its metadata disk (<c>/dev/vdb</c>: a tar of the per-node settings, the host's unmeasured input,
/// which the guest reads as data only), a tap device on the cluster's bridge, and QEMU with OVMF booting the cluster's
/// image, its serial console into the node's log. The guest's <c>/init</c> prints the bootstrapper's status as
/// <c>CONSTELLATION-STATUS {json}</c> lines, which <see cref="ReadStatus"/> reads.
/// </summary>
internal static class MiniVmLauncher
{
    public const string StatusMarker = "CONSTELLATION-STATUS ";

    public const string CryptsetupMarker = "CONSTELLATION-CRYPTSETUP ";

    /// <summary>The firmware the nodes boot (Debian <c>ovmf</c>; its reference PCRs are the image's <c>firmware-measurements.json</c>).</summary>
    public const string Ovmf = "/usr/share/ovmf/OVMF.fd";

    private const string Qemu = "qemu-system-x86_64";

    private const long StateDiskBytes = 256L << 20;

    private const int MetadataDiskBytes = 1 << 20;

    /// <summary>
    /// The machine every node is and the firmware reference was recorded on: what OVMF measures depends on it (the CPU
    /// model and memory move PCR 0; an option ROM moves PCR 2), so it is one list, and the reference names it
    /// (<c>firmware-machine</c> beside the reference PCRs).
    /// </summary>
    public static string MachineProfile(int memoryMiB) =>
        $"machine=pc cpu=max smp=1 memory={memoryMiB.ToString(CultureInfo.InvariantCulture)} tpm=tpm-tis disks=virtio-blk,virtio-blk-ro nic=virtio-net-pci,romfile=none";

    /// <summary>Decides the accelerator by trying: KVM if <c>/dev/kvm</c> exists and the image's probe boots under it, else TCG, with the reason.</summary>
    public static async Task<(string Accelerator, string? WhyNot)> ProbeKvmAsync(string image, string scratch, CancellationToken ct)
    {
        if (!File.Exists("/dev/kvm"))
        {
            return ("tcg", "no /dev/kvm");
        }

        var console = Path.Combine(scratch, "kvm-probe.log");
        File.Delete(console);
        var start = new ProcessStartInfo(Qemu) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-accel", "kvm", "-cpu", "host", "-m", "256", "-smp", "1", "-display", "none", "-monitor", "none", "-no-reboot", "-net", "none",
            "-serial", "file:" + console, "-kernel", Path.Combine(image, VmImageMeasurements.KernelFileName),
            "-initrd", Path.Combine(image, VmImageMeasurements.InitrdFileName), "-append", "console=ttyS0 panic=-1 rdinit=/probe",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new IOException($"{Qemu} did not start");
        var error = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return ("tcg", "the KVM probe guest did not finish within 30 s");
        }

        if (File.Exists(console) && (await File.ReadAllTextAsync(console, ct).ConfigureAwait(false)).Contains("CONSTELLATION-VM: probe", StringComparison.Ordinal))
        {
            return ("kvm", null);
        }

        var last = (await error.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return ("tcg", $"the KVM probe guest failed (exit code {process.ExitCode}{(last is null ? string.Empty : ": " + last)})");
    }

    /// <summary>Starts the node's swtpm and VM; the cluster's image and metadata are ready.</summary>
    public static async Task StartAsync(string root, MiniClusterState state, MiniNodeRecord node, string clusterImage, Func<Task> record, CancellationToken ct)
    {
        var vm = state.Vm ?? throw new InvalidOperationException("not a VM cluster");
        var nodeDirectory = MiniLayout.NodeDirectory(root, node.Name);
        // QEMU's vTPM: the control channel only (QEMU passes the data channel over it); the firmware sends TPM2_Startup.
        var (socket, swtpm) = MiniNodeLauncher.StartSwtpm(root, node, ["--ctrl", $"type=unixio,path={MiniLayout.TpmSocket(root, node.Name)}", "--flags", "not-need-init"]);
        await record().ConfigureAwait(false);
        await WaitForSocketAsync(socket, swtpm, ct).ConfigureAwait(false);

        var stateDisk = MiniLayout.StateDiskImage(root, node.Name);
        if (!File.Exists(stateDisk))
        {
            // Sparse and empty: the bootstrapper inside the guest formats it (LUKS2) on first boot.
            await using var disk = new FileStream(stateDisk, FileMode.CreateNew, FileAccess.Write);
            disk.SetLength(StateDiskBytes);
        }

        await WriteMetadataDiskAsync(root, state, node, ct).ConfigureAwait(false);

        // The console of an earlier boot is kept once; its status lines must not be read as this boot's.
        var console = MiniLayout.Console(root, node.Name);
        if (File.Exists(console))
        {
            File.Move(console, console + ".previous", overwrite: true);
        }

        // The guest's clock is its RTC, set from this host at power-on with whole seconds: log lines of this boot may
        // carry a time up to a second before it.
        node.StartedUtc = DateTime.UtcNow.AddSeconds(-2);
        node.Bootstrapper = DetachedProcess.Start(
            [.. state.Network.EnterBridge(), Qemu, .. QemuArguments(root, state, node, clusterImage)],
            MiniLayout.QemuLog(root, node.Name),
            nodeDirectory);
        await record().ConfigureAwait(false);
    }

    /// <summary>Gets whether a debug node's debugd accepts connections on its port (a TCP connect, nothing sent).</summary>
    public static async Task<bool> DebugdListensAsync(MiniNodeRecord node, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(node.Address, Constellation.Cluster.Debugd.DebugdOptions.DefaultPort, bound.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>The node's last reported status (the last <c>CONSTELLATION-STATUS</c> line of its console), or null before the first.</summary>
    public static JsonDocument? ReadStatus(string root, MiniNodeRecord node)
    {
        var line = LastLine(MiniLayout.Console(root, node.Name), StatusMarker);
        if (line is null)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            // A line the kernel's own console output broke into: the next status line replaces it.
            return null;
        }
    }

    /// <summary>The <c>cryptsetup status</c> lines the guest printed for its state disk mapping (empty before it exists).</summary>
    public static IReadOnlyList<string> CryptsetupStatus(string root, MiniNodeRecord node) =>
        Lines(MiniLayout.Console(root, node.Name)).Where(l => l.Contains(CryptsetupMarker, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(CryptsetupMarker, StringComparison.Ordinal) + CryptsetupMarker.Length)..].TrimEnd()).ToList();

    private static string? LastLine(string path, string marker)
    {
        string? last = null;
        foreach (var line in Lines(path))
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                last = line[(at + marker.Length)..].Trim();
            }
        }

        return last;
    }

    private static IEnumerable<string> Lines(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static List<string> QemuArguments(string root, MiniClusterState state, MiniNodeRecord node, string clusterImage)
    {
        var vm = state.Vm!;
        var mac = $"52:54:00:fa:{(node.Index >> 8 & 0xff).ToString("x2", CultureInfo.InvariantCulture)}:{(node.Index & 0xff).ToString("x2", CultureInfo.InvariantCulture)}";
        return
        [
            // The measured machine: keep in step with MachineProfile and scripts/vm-image-reference.sh.
            "-machine", "pc", "-accel", vm.Accelerator, "-cpu", vm.Accelerator == "kvm" ? "host" : "max", "-smp", "1",
            "-m", vm.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "-bios", Ovmf,
            "-kernel", Path.Combine(clusterImage, VmImageMeasurements.KernelFileName),
            "-initrd", Path.Combine(clusterImage, VmImageMeasurements.InitrdFileName),
            "-append", File.ReadAllText(Path.Combine(clusterImage, VmImageMeasurements.CommandLineFileName)),
            "-chardev", $"socket,id=chrtpm,path={MiniLayout.TpmSocket(root, node.Name)}", "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-tis,tpmdev=tpm0",
            "-drive", $"file={MiniLayout.StateDiskImage(root, node.Name)},if=virtio,format=raw,cache=writeback",
            "-drive", $"file={MiniLayout.MetadataDisk(root, node.Name)},if=virtio,format=raw,readonly=on",
            "-netdev", $"tap,id=n0,ifname={state.Network.TapName(node.Index)},script=no,downscript=no",
            "-device", $"virtio-net-pci,netdev=n0,mac={mac},romfile=",
            "-display", "none", "-monitor", "none", "-no-reboot",
            "-serial", "file:" + MiniLayout.Console(root, node.Name),
        ];
    }

    /// <summary>The metadata disk: a ustar archive of <c>address</c>, <c>bootstrapper.json</c> (the per-node settings) and the join policy, zero-padded.</summary>
    private static async Task WriteMetadataDiskAsync(string root, MiniClusterState state, MiniNodeRecord node, CancellationToken ct)
    {
        var settings = new MemoryStream();
        using (var json = new Utf8JsonWriter(settings, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Bootstrapper");
            json.WriteString("NodeName", node.Name);
            json.WriteString("ListenAddress", node.Address);
            json.WriteString("ControlPlane", node.ControlPlane ? "true" : "false");
            json.WriteString("JoinEndpoints", MiniNodeLauncher.JoinEndpointsOf(state, node));
            json.WriteString("ControlPlaneNodeNames", string.Join(',', state.Nodes.Where(n => n.ControlPlane).Select(n => n.Name)));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var files = new List<(string Name, byte[] Content)>
        {
            ("address", Encoding.ASCII.GetBytes($"{node.Address}/24\n")),
            ("bootstrapper.json", settings.ToArray()),
            ("attestation-config.json", await File.ReadAllBytesAsync(Path.Combine(MiniLayout.JoinConfig(root), Constellation.Cluster.JoinService.Policy.JoinServicePolicy.AttestationConfigFileName), ct).ConfigureAwait(false)),
        };

        var disk = new MemoryStream();
        await using (var tar = new TarWriter(disk, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(content),
                    Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
            }
        }

        if (disk.Length > MetadataDiskBytes)
        {
            throw new IOException($"{node.Name}: the metadata archive is {disk.Length} bytes, more than the {MetadataDiskBytes}-byte metadata disk");
        }

        disk.SetLength(MetadataDiskBytes);
        await File.WriteAllBytesAsync(MiniLayout.MetadataDisk(root, node.Name), disk.ToArray(), ct).ConfigureAwait(false);
    }

    private static async Task WaitForSocketAsync(string socket, DetachedProcess swtpm, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(socket))
        {
            if (!swtpm.IsRunning)
            {
                throw new IOException($"swtpm (pid {swtpm.Pid}) exited before creating {socket}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"swtpm (pid {swtpm.Pid}) did not create {socket} within 10 s");
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }
}
