using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// A configfs-tsm tree on disk that behaves like the kernel: mkdir creates the attributes, writing inblob or
/// privlevel bumps generation, reading outblob produces a signed report carrying the written inblob.
/// </summary>
internal sealed class FakeConfigFsTsm : ITsmFileSystem
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public FakeConfigFsTsm(string root) => Root = root;

    public string Root { get; }

    public string Provider { get; set; } = "sev_guest\n";

    public byte[] AuxBlob { get; set; } = [];

    public Action<byte[]>? TweakReport { get; set; }

    public Action<string>? OnReadOutblob { get; set; }

    public List<string> Created { get; } = [];

    public void CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        Created.Add(path);
        File.WriteAllText(Path.Combine(path, "generation"), "0\n");
        File.WriteAllText(Path.Combine(path, "provider"), Provider);
        File.WriteAllBytes(Path.Combine(path, "privlevel"), "0\n"u8.ToArray());
        File.WriteAllBytes(Path.Combine(path, "inblob"), []);
        File.WriteAllBytes(Path.Combine(path, "outblob"), []);
        if (AuxBlob.Length > 0)
        {
            File.WriteAllBytes(Path.Combine(path, "auxblob"), AuxBlob);
        }
    }

    public void RemoveDirectory(string path) => Directory.Delete(path, recursive: true);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool FileExists(string path) => File.Exists(path);

    public ValueTask<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken) => ValueTask.FromResult(ReadAllBytes(path));

    public ValueTask WriteAllBytesAsync(string path, byte[] data, CancellationToken cancellationToken)
    {
        WriteAllBytes(path, data);
        return ValueTask.CompletedTask;
    }

    private byte[] ReadAllBytes(string path)
    {
        if (Path.GetFileName(path) == "outblob")
        {
            var dir = Path.GetDirectoryName(path)!;
            var vmpl = uint.Parse(File.ReadAllText(Path.Combine(dir, "privlevel")).Trim(), CultureInfo.InvariantCulture);
            var inblob = File.ReadAllBytes(Path.Combine(dir, "inblob"));
            OnReadOutblob?.Invoke(dir);
            return SnpTestPki.Report(SnpProductLine.Milan, SnpSigningKey.Vcek, 0x5d06000000000002, new byte[64], _key, r =>
            {
                inblob.CopyTo(r.AsSpan(0x50));
                BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(0x30), vmpl);
                TweakReport?.Invoke(r);
            });
        }

        return File.ReadAllBytes(path);
    }

    private static void WriteAllBytes(string path, byte[] data)
    {
        File.WriteAllBytes(path, data);
        Bump(Path.GetDirectoryName(path)!);
    }

    public static void Bump(string dir)
    {
        var generationPath = Path.Combine(dir, "generation");
        var generation = long.Parse(File.ReadAllText(generationPath).Trim(), CultureInfo.InvariantCulture);
        File.WriteAllText(generationPath, (generation + 1).ToString(CultureInfo.InvariantCulture) + "\n");
    }
}

public class ConfigFsTsmReportSourceTests
{
    private static readonly byte[] ReportData = SHA512.HashData("ak public key"u8);
    private string _root = null!;

    [SetUp]
    public void CreateTree() => _root = Directory.CreateTempSubdirectory("tsm-report-").FullName;

    [TearDown]
    public void DeleteTree() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task A_report_is_read_with_the_requested_report_data_and_VMPL_and_the_entry_is_removed()
    {
        var fs = new FakeConfigFsTsm(_root) { AuxBlob = [1, 2, 3] };

        var result = await new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = _root }, fs).GetReportAsync(ReportData, vmpl: 2);

        result.Report.ReportData.ToArray().Should().Equal(ReportData);
        result.Report.Vmpl.Should().Be(2);
        result.CertificateTable.ToArray().Should().Equal(1, 2, 3);
        fs.Created.Should().ContainSingle();
        Directory.Exists(fs.Created[0]).Should().BeFalse();
    }

    [Test]
    public async Task A_provider_other_than_sev_guest_is_refused()
    {
        var fs = new FakeConfigFsTsm(_root) { Provider = "tdx_guest\n" };

        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = _root }, fs).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("tdx_guest");
        Directory.GetDirectories(_root).Should().BeEmpty();
    }

    [Test]
    public async Task A_concurrent_writer_changing_the_entry_while_reading_is_detected()
    {
        var fs = new FakeConfigFsTsm(_root) { OnReadOutblob = FakeConfigFsTsm.Bump };

        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = _root }, fs).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("generation");
    }

    [Test]
    public async Task A_report_carrying_other_report_data_is_a_binding_error()
    {
        var fs = new FakeConfigFsTsm(_root) { TweakReport = r => r[0x50] ^= 0xFF };

        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = _root }, fs).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("REPORT_DATA");
    }

    [Test]
    public async Task A_missing_configfs_tree_is_reported_clearly()
    {
        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = Path.Combine(_root, "absent") }).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("configfs-tsm is not available");
    }

    [Test]
    public async Task Report_data_must_be_64_bytes()
    {
        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = _root }, new FakeConfigFsTsm(_root)).GetReportAsync(new byte[32]);

        await act.Should().ThrowAsync<ArgumentException>();
    }
}

public class SevGuestDeviceReportSourceTests
{
    private static readonly byte[] ReportData = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    private sealed class FakeDevice(Func<byte[], byte[]> respond, int errno = 0, uint firmwareError = 0) : ISevGuestDevice
    {
        public byte[]? LastRequest { get; private set; }

        public int GetReport(ReadOnlySpan<byte> request, Span<byte> response, out uint fwError)
        {
            LastRequest = request.ToArray();
            respond(LastRequest).CopyTo(response);
            fwError = firmwareError;
            return errno;
        }
    }

    private static byte[] Response(byte[] request, uint status = 0, uint size = SnpReport.Size)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var response = new byte[4000];
        BinaryPrimitives.WriteUInt32LittleEndian(response, status);
        BinaryPrimitives.WriteUInt32LittleEndian(response.AsSpan(4), size);
        SnpTestPki.Report(SnpProductLine.Milan, SnpSigningKey.Vcek, 0, new byte[64], key, r =>
        {
            request.AsSpan(0, 64).CopyTo(r.AsSpan(0x50));
            request.AsSpan(64, 4).CopyTo(r.AsSpan(0x30));
        }).CopyTo(response.AsSpan(32));
        return response;
    }

    [Test]
    public async Task The_request_carries_report_data_and_VMPL_and_the_report_is_taken_from_the_response()
    {
        var device = new FakeDevice(request => Response(request));

        var result = await new SevGuestDeviceReportSource(device).GetReportAsync(ReportData, vmpl: 1);

        device.LastRequest.Should().HaveCount(96);
        device.LastRequest![..64].Should().Equal(ReportData);
        BinaryPrimitives.ReadUInt32LittleEndian(device.LastRequest.AsSpan(64)).Should().Be(1);
        device.LastRequest[68..].Should().OnlyContain(b => b == 0);
        result.Report.ReportData.ToArray().Should().Equal(ReportData);
        result.Report.Vmpl.Should().Be(1);
    }

    [Test]
    public async Task A_firmware_status_error_is_reported()
    {
        var act = () => new SevGuestDeviceReportSource(new FakeDevice(request => Response(request, status: 0x16))).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("status 0x16");
    }

    [Test]
    public async Task An_ioctl_failure_is_reported_with_errno_and_firmware_error()
    {
        var act = () => new SevGuestDeviceReportSource(new FakeDevice(_ => new byte[4000], errno: 5, firmwareError: 0xffffffff)).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("errno 5").And.Contain("0xffffffff");
    }

    [Test]
    public async Task A_wrong_report_size_is_a_format_error()
    {
        var act = () => new SevGuestDeviceReportSource(new FakeDevice(request => Response(request, size: 1000))).GetReportAsync(ReportData);

        await act.Should().ThrowAsync<AttestationFormatException>();
    }

    [Test]
    public async Task Without_the_device_the_error_names_the_errno()
    {
        var act = () => new SevGuestDeviceReportSource(new LinuxSevGuestDevice("/nonexistent/sev-guest")).GetReportAsync(ReportData);

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("errno 2");
    }
}
