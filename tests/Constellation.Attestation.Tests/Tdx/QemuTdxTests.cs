using System.Security.Cryptography;
using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Variants.Cloud;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.QemuTdx;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class QemuTdxTests : IDisposable
{
    private static readonly byte[] UserData = "node public key"u8.ToArray();
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(32);

    private SyntheticTdx _pki = null!;
    private string _configfs = null!;

    [SetUp]
    public void SetUp()
    {
        _pki = new SyntheticTdx();
        _configfs = Path.Combine(Path.GetTempPath(), "fake-configfs-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void TearDown()
    {
        _pki.Dispose();
        if (Directory.Exists(_configfs))
        {
            Directory.Delete(_configfs, true);
        }
    }

    public void Dispose() => _pki?.Dispose();

    /// <summary>Plays the kernel: an entry whose outblob is a quote over <paramref name="reportData"/>.</summary>
    private (byte[] Quote, ConfigFsTsmQuoteProvider Provider) FakeKernel(byte[] reportData, string provider = "tdx_guest\n")
    {
        var entry = Path.Combine(_configfs, "entry");
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, "provider"), provider);
        File.WriteAllText(Path.Combine(entry, "generation"), "1\n");
        var quote = _pki.Quote(body => reportData.CopyTo(body, 0x208));
        File.WriteAllBytes(Path.Combine(entry, "outblob"), quote);
        return (quote, new ConfigFsTsmQuoteProvider(new ConfigFsTsmOptions { ReportDirectory = _configfs, EntryName = "entry", RemoveEntry = false }));
    }

    private static byte[] Expected(byte[] userData, byte[] nonce) => SHA256.HashData([.. userData, .. nonce]).Concat(new byte[32]).ToArray();

    private QemuTdxValidator Validator(MeasurementSet measurements) =>
        new(measurements, new TdxVerificationOptions { TrustedRoots = [_pki.Root], CollateralSource = new FixedCollateral(_pki.Collateral()), TimeProvider = new RecordingTimeProvider(SyntheticTdx.At) });

    [Test]
    public async Task A_document_issued_through_configfs_tsm_validates_with_its_MRTD_and_RTMRs()
    {
        var (quote, provider) = FakeKernel(Expected(UserData, Nonce));
        var document = await new QemuTdxIssuer(provider).IssueAsync(UserData, Nonce);
        var mrTd = TdxQuote.Parse(quote).Body.MrTd.ToArray();

        var result = await Validator(new MeasurementSet([new(0u, new Measurement(mrTd)), new(4u, new Measurement(new byte[48]))])).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.QemuTdx);
        result.UserData.ToArray().Should().Equal(UserData);
        result.Measurements.Keys.Should().Equal(0u, 1u, 2u, 3u, 4u);
        result.Measurements[0].ToArray().Should().Equal(mrTd);
        File.ReadAllBytes(Path.Combine(_configfs, "entry", "inblob")).Should().Equal(Expected(UserData, Nonce));
    }

    [Test]
    public async Task A_document_checked_against_another_nonce_is_rejected_on_REPORT_DATA()
    {
        var (_, provider) = FakeKernel(Expected(UserData, Nonce));
        var document = await new QemuTdxIssuer(provider).IssueAsync(UserData, Nonce);

        var act = () => Validator(MeasurementSet.EmptyAllowed).ValidateAsync(document, new byte[32]).AsTask();

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("REPORT_DATA");
    }

    [Test]
    public async Task An_MRTD_mismatch_is_rejected_and_a_warn_only_mismatch_is_a_warning()
    {
        var (_, provider) = FakeKernel(Expected(UserData, Nonce));
        var document = await new QemuTdxIssuer(provider).IssueAsync(UserData, Nonce);

        var enforced = () => Validator(new MeasurementSet([new(0u, new Measurement(new byte[48]))])).ValidateAsync(document, Nonce).AsTask();
        await enforced.Should().ThrowAsync<MeasurementMismatchException>();

        var warned = await Validator(new MeasurementSet([new(0u, new Measurement(new byte[48], warnOnly: true))])).ValidateAsync(document, Nonce);
        warned.Warnings.Should().ContainSingle();
    }

    [Test]
    public async Task A_stale_outblob_for_other_report_data_is_never_returned_by_the_issuer()
    {
        var (_, provider) = FakeKernel(Expected(UserData, new byte[32]));

        var act = () => new QemuTdxIssuer(provider).IssueAsync(UserData, Nonce).AsTask();

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("configfs-tsm quote REPORTDATA");
    }

    [Test]
    public async Task A_configfs_tsm_entry_of_another_TEE_provider_is_refused()
    {
        var (_, provider) = FakeKernel(Expected(UserData, Nonce), provider: "sev_guest\n");

        var act = () => new QemuTdxIssuer(provider).IssueAsync(UserData, Nonce).AsTask();

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*expected tdx_guest*sev_guest*");
    }

    [Test]
    public async Task A_missing_configfs_tsm_directory_is_reported_plainly()
    {
        var provider = new ConfigFsTsmQuoteProvider(new ConfigFsTsmOptions { ReportDirectory = Path.Combine(_configfs, "absent") });

        var act = () => provider.GetQuoteAsync(new byte[64], CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*does not exist*");
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_a_qemu_tdx_client()
    {
        var guest = new SyntheticTdxGuest(_pki);
        var issuer = QemuTdxVariant.Instance.CreateIssuer(new VariantIssuerServices { TdxQuotes = guest });

        var peer = await AtlsRoundTrip.ConnectAsync(issuer, Validator(new MeasurementSet([new(0u, new Measurement(guest.MrTd))])));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.QemuTdx.Oid);
        guest.Requests.Should().BeGreaterThan(0, "the aTLS server's document carries a quote the guest made over the handshake's REPORTDATA");
    }

    [Test]
    public async Task An_aTLS_server_whose_MRTD_is_not_the_expected_one_is_refused_by_the_qemu_tdx_client()
    {
        var issuer = QemuTdxVariant.Instance.CreateIssuer(new VariantIssuerServices { TdxQuotes = new SyntheticTdxGuest(_pki) });

        var act = () => AtlsRoundTrip.ConnectAsync(issuer, Validator(new MeasurementSet([new(0u, new Measurement(new byte[48]))])));

        (await act.Should().ThrowAsync<MeasurementMismatchException>()).Which.Message.Should().Contain("index 0");
    }

    [Test]
    public void A_measurement_index_beyond_RTMR3_is_refused_at_construction()
    {
        var act = () => Validator(new MeasurementSet([new(5u, new Measurement(new byte[48]))]));

        act.Should().Throw<ArgumentException>().WithMessage("*index 5*");
    }

    /// <summary>Plays a TDX guest's quoting: every quote carries the guest's MRTD and the REPORTDATA asked for, signed by the test PKI.</summary>
    private sealed class SyntheticTdxGuest(SyntheticTdx pki) : ITdxQuoteProvider
    {
        private int _requests;

        public byte[] MrTd { get; } = RandomNumberGenerator.GetBytes(48);

        public int Requests => Volatile.Read(ref _requests);

        public ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var data = reportData.ToArray();
            return ValueTask.FromResult(pki.Quote(body =>
            {
                MrTd.CopyTo(body, 0x88);
                data.CopyTo(body, 0x208);
            }));
        }
    }

    private sealed class FixedCollateral(TdxCollateral collateral) : ITdxCollateralSource
    {
        public Task<TdxCollateral> GetCollateralAsync(string fmspc, PckCaType caType, CancellationToken cancellationToken) => Task.FromResult(collateral);
    }
}
