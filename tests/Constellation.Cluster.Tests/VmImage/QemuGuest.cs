using System.Diagnostics;
using System.Globalization;
using Constellation.Tests.Swtpm;

namespace Constellation.Cluster.Tests.VmImage;

/// <summary>What one boot of a VM image printed: the SHA-256 PCRs the guest read from sysfs, and the whole console.</summary>
internal sealed record GuestBoot(IReadOnlyDictionary<int, byte[]> Pcrs, string Console, TimeSpan Elapsed);

/// <summary>
/// Boots a VM image once under QEMU (TCG, the pinned OVMF, a fresh swtpm as vTPM over its control socket) and collects
/// the PCRs the guest's /init prints. Every boot is bounded; QEMU and swtpm are killed in every case. A missing tool
/// fails the test, naming the package.
/// </summary>
internal static class QemuGuest
{
    public const string Ovmf = "/usr/share/ovmf/OVMF.fd";

    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    public static async Task<GuestBoot> BootAsync(string kernel, string initrd, string appendedCommandLine, int memoryMiB = Cluster.VmImage.VmImageMeasurements.DefaultMemoryMiB)
    {
        var qemu = Require("qemu-system-x86_64", "qemu-system-x86");
        var swtpm = Require("swtpm", "swtpm");
        File.Exists(Ovmf).Should().BeTrue($"OVMF is needed at {Ovmf} (apt-get install ovmf)");
        var state = Directory.CreateTempSubdirectory("vm-image-tpm-").FullName;
        var socket = Path.Combine(state, "ctrl.sock");
        using var timeout = new CancellationTokenSource(Bound);
        var started = Stopwatch.StartNew();
        using var tpm = await StartSwtpmAsync(swtpm, state, socket, timeout.Token);
        try
        {

            using var vm = Start(qemu, [.. BootArguments(kernel, initrd, appendedCommandLine, socket, memoryMiB), "-net", "none"]);
            try
            {
                var console = vm.StandardOutput.ReadToEndAsync(timeout.Token);
                var errors = vm.StandardError.ReadToEndAsync(timeout.Token);
                await vm.WaitForExitAsync(timeout.Token);
                var text = (await console).Replace("\r", string.Empty, StringComparison.Ordinal);
                vm.ExitCode.Should().Be(0, $"QEMU should stop when the guest resets; stderr: {await errors}\nconsole:\n{text}");
                return new GuestBoot(ParsePcrs(text), text, started.Elapsed);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"the VM did not stop within {Bound} (kernel {kernel}, initrd {initrd})");
            }
            finally
            {
                Stop(vm);
            }
        }
        finally
        {
            Stop(tpm);
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>Starts <c>swtpm socket</c> with its state in <paramref name="state"/> and waits for its control socket.</summary>
    public static async Task<Process> StartSwtpmAsync(string swtpm, string state, string socket, CancellationToken cancellationToken)
    {
        var tpm = Start(swtpm, "socket", "--tpm2", "--tpmstate", $"dir={state}", "--ctrl", $"type=unixio,path={socket}", "--flags", "not-need-init");
        try
        {
            while (!File.Exists(socket))
            {
                if (tpm.HasExited)
                {
                    throw new AssertionException($"swtpm exited before creating {socket}: {await tpm.StandardError.ReadToEndAsync(cancellationToken)}");
                }

                await Task.Delay(50, cancellationToken);
            }

            return tpm;
        }
        catch
        {
            Stop(tpm);
            tpm.Dispose();
            throw;
        }
    }

    /// <summary>QEMU's arguments for the firmware, kernel, initrd and vTPM every boot of the image uses (docs/qemu.md).</summary>
    public static string[] BootArguments(string kernel, string initrd, string appendedCommandLine, string tpmSocket, int memoryMiB) =>
    [
        "-accel", "tcg", "-m", memoryMiB.ToString(CultureInfo.InvariantCulture), "-smp", "1", "-nographic", "-serial", "stdio",
        "-monitor", "none", "-no-reboot", "-bios", Ovmf, "-kernel", kernel, "-initrd", initrd, "-append", appendedCommandLine,
        "-chardev", $"socket,id=chrtpm,path={tpmSocket}", "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-tis,tpmdev=tpm0",
    ];

    private static Dictionary<int, byte[]> ParsePcrs(string console)
    {
        var pcrs = new Dictionary<int, byte[]>();
        foreach (var line in console.Split('\n'))
        {
            var fields = line.Trim().Split(' ');
            if (fields.Length == 4 && fields[0] == "CONSTELLATION-PCR" && fields[1] == "sha256")
            {
                pcrs[int.Parse(fields[2], CultureInfo.InvariantCulture)] = Convert.FromHexString(fields[3]);
            }
        }

        pcrs.Should().ContainKeys([0, 1, 2, 3, 4, 5, 6, 7, 9], $"the guest prints its PCRs on the console:\n{console}");
        return pcrs;
    }

    public static string Require(string tool, string package) =>
        SwtpmProcess.FindExecutable(tool) ?? throw new AssertionException($"{tool} is not installed (apt-get install {package}); booting the VM image needs it");

    public static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new AssertionException($"{file} did not start");
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }
}
