using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;
using Constellation.Cluster.Keys;
using Constellation.Cluster.VmImage;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// A cluster's VM image: the base image (<c>scripts/vm-image.sh</c>: kernel, initramfs, command line, the pinned
/// firmware's reference PCRs) with the cluster's measured boot configuration appended to the initramfs as a second
/// newc archive (<c>etc/constellation/boot.json</c>; the kernel unpacks concatenated archives), its measurements
/// computed in advance from those files, written as the image's <c>measurements.json</c>, signed with the cluster's
/// image key and verified as <c>config fetch-measurements</c> verifies a release's before anything uses them.
/// </summary>
internal static class MiniVmImage
{
    /// <summary>The firmware's reference PCRs in a base image (<c>scripts/vm-image-reference.sh</c>).</summary>
    public const string FirmwareMeasurementsFileName = "firmware-measurements.json";

    /// <summary>The signed image measurements in a cluster image directory.</summary>
    public const string MeasurementsFileName = "measurements.json";

    /// <summary>PCRs nothing in this boot chain extends (no boot loader, no unified kernel image) and the cluster-ID register (15, extended at init or join): expected zero.</summary>
    private static readonly uint[] ZeroRegisters = [8, 11, 12, 13, 14, 15];

    private static readonly string[] ArchiveDirectories = ["etc", "etc/constellation"];

    /// <summary>Checks a base image directory holds what a node boots and the firmware reference.</summary>
    /// <exception cref="UnusableInputException">A file is missing.</exception>
    public static string RequireBaseImage(string? given, string option)
    {
        var directory = Path.GetFullPath(given ?? DefaultBaseImage());
        foreach (var name in new[] { VmImageMeasurements.KernelFileName, VmImageMeasurements.InitrdFileName, VmImageMeasurements.CommandLineFileName })
        {
            if (!File.Exists(Path.Combine(directory, name)))
            {
                throw new UnusableInputException(
                    $"{option} {directory}: expected a VM image ({name} missing)", $"build it with `bash scripts/vm-image.sh {directory}` (after `bash scripts/vm-image-fetch.sh`)");
            }
        }

        if (!File.Exists(Path.Combine(directory, FirmwareMeasurementsFileName)))
        {
            throw new UnusableInputException(
                $"{option} {directory}: expected the firmware's reference PCRs ({FirmwareMeasurementsFileName} missing)", $"record them with `bash scripts/vm-image-reference.sh {directory}`");
        }

        return directory;
    }

    /// <summary>The marker of a debug image (<c>scripts/vm-image.sh --debug</c>): its <c>/init</c> runs debugd, which runs the bootstrapper.</summary>
    public const string DebugMarkerFileName = "debug-image";

    /// <summary>Gets whether <paramref name="baseImage"/> is a debug image.</summary>
    public static bool IsDebug(string baseImage) => File.Exists(Path.Combine(baseImage, DebugMarkerFileName));

    /// <summary>The machine the firmware reference was recorded on (<c>scripts/vm-image-reference.sh</c>).</summary>
    public const string FirmwareMachineFileName = "firmware-machine";

    /// <summary>Checks the firmware reference of <paramref name="baseImage"/> was recorded on the machine the nodes are.</summary>
    /// <exception cref="UnusableInputException">It was recorded on another (its PCRs 0–7 would not be the nodes').</exception>
    public static void RequireMachine(string baseImage, string profile)
    {
        var path = Path.Combine(baseImage, FirmwareMachineFileName);
        var recorded = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        if (recorded != profile)
        {
            throw new UnusableInputException(
                $"{path}: expected the firmware reference of the nodes' machine \"{profile}\", got {(recorded is null ? "none" : "\"" + recorded + "\"")}",
                $"record it again with `bash scripts/vm-image-reference.sh {baseImage}`");
        }
    }

    /// <summary>The directory <c>scripts/vm-image.sh</c> builds into: <c>artifacts/vm-image</c> of the repository (as for the node image).</summary>
    public static string DefaultBaseImage() => Path.Combine(Path.GetDirectoryName(MiniNodeLauncher.DefaultBootstrapperDirectory())!, "vm-image");

    /// <summary>
    /// Composes the cluster image of <paramref name="baseImage"/> under the cluster directory (once per base image) and
    /// returns its directory; its initramfs is the base one followed by an archive holding <paramref name="bootConfiguration"/>
    /// and, for a debug image, debugd's configuration and the cluster's debug key (so both are measured with it).
    /// </summary>
    public static async Task<string> ComposeAsync(string root, string baseImage, byte[] bootConfiguration, CancellationToken ct)
    {
        var files = new List<(string Path, byte[] Content)> { ("etc/constellation/boot.json", bootConfiguration) };
        if (IsDebug(baseImage))
        {
            files.Add(("etc/constellation/debugd.json", MiniVmBootConfiguration.Debugd()));
            files.Add(("etc/constellation/debug-key.pub.pem", await MiniDebugKey.PublicPemAsync(root, ct).ConfigureAwait(false)));
        }

        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseImage)))[..12];
        var directory = Path.Combine(MiniLayout.VmImages(root), id);
        if (File.Exists(Path.Combine(directory, VmImageMeasurements.InitrdFileName)))
        {
            return directory;
        }

        Directory.CreateDirectory(directory);
        foreach (var name in new[] { VmImageMeasurements.KernelFileName, VmImageMeasurements.CommandLineFileName, FirmwareMeasurementsFileName, FirmwareMachineFileName })
        {
            File.Copy(Path.Combine(baseImage, name), Path.Combine(directory, name), overwrite: true);
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "base-image"), baseImage + "\n", ct).ConfigureAwait(false);
        var archive = await ConfigurationArchiveAsync(files, ct).ConfigureAwait(false);
        var initrd = Path.Combine(directory, VmImageMeasurements.InitrdFileName);
        await using (var output = new FileStream(initrd + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await using (var input = new FileStream(Path.Combine(baseImage, VmImageMeasurements.InitrdFileName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                await input.CopyToAsync(output, ct).ConfigureAwait(false);
            }

            await output.WriteAsync(archive, ct).ConfigureAwait(false);
        }

        File.Move(initrd + ".tmp", initrd, overwrite: true);
        return directory;
    }

    /// <summary>
    /// What a node booted from <paramref name="clusterImage"/> with <paramref name="memoryMiB"/> of memory measures: the
    /// firmware's reference PCRs 0–3 and 5–7, PCR 4 (the kernel as QEMU patches it) and PCR 9 (command line and
    /// initramfs) computed from the files, and zero for the registers nothing extends before init; every one enforced.
    /// </summary>
    /// <exception cref="UnusableInputException">The firmware reference is unusable.</exception>
    /// <exception cref="VmImageException">A file of the image is not what it should be.</exception>
    public static async Task<MeasurementSet> ComputeAsync(string clusterImage, int memoryMiB, CancellationToken ct)
    {
        MeasurementSet firmware;
        var firmwarePath = Path.Combine(clusterImage, FirmwareMeasurementsFileName);
        try
        {
            firmware = MeasurementJson.Parse(await File.ReadAllBytesAsync(firmwarePath, ct).ConfigureAwait(false));
        }
        catch (AttestationException ex)
        {
            throw new UnusableInputException($"{firmwarePath}: {ex.Message}", "record it again with `bash scripts/vm-image-reference.sh`");
        }

        var expectedFirmware = new uint[] { 0, 1, 2, 3, 5, 6, 7 };
        if (!expectedFirmware.All(firmware.ContainsKey) || firmware.Keys.Except(expectedFirmware).Any())
        {
            throw new UnusableInputException(
                $"{firmwarePath}: expected PCRs 0-3 and 5-7, got {string.Join(", ", firmware.Keys.Order())}", "record it again with `bash scripts/vm-image-reference.sh`");
        }

        var files = await VmImageMeasurements.ComputeAsync(clusterImage, memoryMiB, ct).ConfigureAwait(false);
        var zero = new byte[Measurement.Sha256Length];
        return new MeasurementSet(
            firmware.Select(e => KeyValuePair.Create(e.Key, new Measurement(e.Value.Expected.AsSpan(), warnOnly: false)))
                .Concat(files)
                .Concat(ZeroRegisters.Select(i => KeyValuePair.Create(i, new Measurement(zero, warnOnly: false))))
                .OrderBy(e => e.Key));
    }

    /// <summary>
    /// Writes the image's <c>measurements.json</c> (Constellation's format) and its <c>.sig</c> (ECDSA P-256 over
    /// SHA-256, base64 DER, as the release files are signed) with the cluster's image key (made on first use), then
    /// verifies the file as <c>config fetch-measurements</c> does and returns what the verification read.
    /// </summary>
    public static async Task<SignedMeasurementsResult> PublishAsync(string root, string clusterImage, AttestationVariant variant, MeasurementSet measurements, CancellationToken ct)
    {
        var image = ImageVersion.Parse(ConstellationConfigFile.Parse(ConstellationConfigFile.Generate(CloudProvider.Qemu, variant), CliVariants.Registry).Image);
        var path = Path.Combine(clusterImage, MeasurementsFileName);
        var file = Encoding.UTF8.GetBytes(ImageMeasurementsFile.Create(image, CloudProvider.Qemu, variant, measurements));
        using var key = await SigningKeyAsync(root, ct).ConfigureAwait(false);
        var signature = Encoding.ASCII.GetBytes(Convert.ToBase64String(key.SignData(file, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        await File.WriteAllBytesAsync(path, file, ct).ConfigureAwait(false);
        await File.WriteAllBytesAsync(path + ".sig", signature, ct).ConfigureAwait(false);

        // Read back what was written, as a user's fetch would: the policy is what the verified file says.
        var request = new SignedMeasurementsRequest(image, CloudProvider.Qemu, variant)
        {
            PublicKey = MeasurementsPublicKey.FromPem(await File.ReadAllTextAsync(MiniLayout.ImageSigningPublicKey(root), ct).ConfigureAwait(false)),
        };
        var written = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var writtenSignature = await File.ReadAllBytesAsync(path + ".sig", ct).ConfigureAwait(false);
        return SignedMeasurementsFetcher.Verify(request, new Uri(path), written, writtenSignature);
    }

    private static async Task<ECDsa> SigningKeyAsync(string root, CancellationToken ct)
    {
        var path = MiniLayout.ImageSigningKey(root);
        var key = ECDsa.Create();
        try
        {
            if (File.Exists(path))
            {
                key.ImportFromPem(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
                return key;
            }

            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            await SecretFile.WriteNewAsync(path, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(MiniLayout.ImageSigningPublicKey(root), key.ExportSubjectPublicKeyInfoPem() + "\n", ct).ConfigureAwait(false);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    // The cluster's archive: etc/, etc/constellation/ and the files, owner 0:0, fixed times, newc (what the kernel
    // reads), written by cpio(1).
    private static async Task<byte[]> ConfigurationArchiveAsync(IReadOnlyList<(string Path, byte[] Content)> files, CancellationToken ct)
    {
        var tree = Directory.CreateTempSubdirectory("mini-vm-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(tree, "etc", "constellation"));
            foreach (var (path, content) in files)
            {
                await File.WriteAllBytesAsync(Path.Combine(tree, path), content, ct).ConfigureAwait(false);
                File.SetLastWriteTimeUtc(Path.Combine(tree, path), DateTime.UnixEpoch);
            }

            File.SetLastWriteTimeUtc(Path.Combine(tree, "etc", "constellation"), DateTime.UnixEpoch);
            File.SetLastWriteTimeUtc(Path.Combine(tree, "etc"), DateTime.UnixEpoch);

            var start = new ProcessStartInfo("cpio")
            {
                UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = tree,
            };
            foreach (var argument in new[] { "--quiet", "-o", "-H", "newc", "-R", "0:0", "--reproducible" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new IOException("cpio did not start (apt-get install cpio)");
            var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output, ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            var list = string.Join('\n', ArchiveDirectories.Concat(files.Select(f => f.Path))) + "\n";
            await process.StandardInput.WriteAsync(list.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            await copy.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new IOException($"cpio: exit code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
            }

            return output.ToArray();
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }
}
