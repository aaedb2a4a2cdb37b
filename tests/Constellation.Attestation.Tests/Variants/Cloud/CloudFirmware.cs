using System.Globalization;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>Provisions a swtpm the way a cloud's firmware or paravisor does before the guest boots: NV indices and persistent keys.</summary>
internal sealed class CloudFirmware : IDisposable
{
    private readonly SwtpmProcess _swtpm;

    public CloudFirmware(SwtpmProcess swtpm)
    {
        _swtpm = swtpm;
        Directory = System.IO.Directory.CreateTempSubdirectory("cloud-firmware-").FullName;
    }

    public string Directory { get; }

    /// <summary>Defines an owner-readable NV index of exactly <paramref name="data"/>'s size and writes it.</summary>
    public async Task WriteNvAsync(uint index, byte[] data)
    {
        var file = Path.Combine(Directory, $"nv-{index:x8}.bin");
        await File.WriteAllBytesAsync(file, data);
        var name = "0x" + index.ToString("x8", CultureInfo.InvariantCulture);
        await Tpm2Tools.RunOkAsync(_swtpm, Directory, "tpm2_nvdefine", name, "-C", "o", "-s", data.Length.ToString(CultureInfo.InvariantCulture), "-a", "ownerread|ownerwrite|authread|authwrite");
        await Tpm2Tools.RunOkAsync(_swtpm, Directory, "tpm2_nvwrite", name, "-C", "o", "-i", file);
    }

    /// <summary>Creates a restricted RSA-2048 signing key (RSASSA-SHA256) under the owner hierarchy and persists it at <paramref name="handle"/>.</summary>
    public async Task PersistRsaAkAsync(uint handle, string attributes = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", string algorithm = "rsa2048:rsassa-sha256:null")
    {
        var context = $"ak-{handle:x8}.ctx";
        await Tpm2Tools.RunOkAsync(_swtpm, Directory, "tpm2_createprimary", "-C", "o", "-G", algorithm, "-a", attributes, "-c", context);
        await Tpm2Tools.RunOkAsync(_swtpm, Directory, "tpm2_evictcontrol", "-C", "o", "-c", context, "0x" + handle.ToString("x8", CultureInfo.InvariantCulture));
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
