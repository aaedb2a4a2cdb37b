using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Benchmarks.Policy;

/// <summary>What the updateable wrapper adds to a validation: one volatile read and a call.</summary>
[MemoryDiagnoser]
public class UpdateableValidatorBenchmarks
{
    private readonly byte[] _nonce = new byte[32];
    private DummyValidator _direct = null!;
    private UpdateableAttestationValidator _updateable = null!;
    private byte[] _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _direct = new DummyValidator();
        _document = new DummyDocument(new byte[32], _nonce).ToJsonBytes();
        var options = new UpdateableValidatorOptions { WatchForChanges = false, PollInterval = null };
        _updateable = UpdateableAttestationValidator.CreateAsync(new FixedPolicySource(), AttestationValidatorFactory.CreateDefault().RegisterDummy(), options).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _updateable.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<AttestationValidationResult> Direct() => await _direct.ValidateAsync(_document, _nonce);

    [Benchmark]
    public async Task<AttestationValidationResult> Updateable() => await _updateable.ValidateAsync(_document, _nonce);

    private sealed class FixedPolicySource : IAttestationPolicySource
    {
        public string Description => "benchmark";

        public ValueTask<AttestationConfig> LoadAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<AttestationConfig>(new MeasurementsAttestationConfig(AttestationVariant.Dummy, MeasurementSet.Empty));
    }
}

/// <summary>Cost of reading a policy and of checking a signed measurements file.</summary>
[MemoryDiagnoser]
public class SignedMeasurementsBenchmarks
{
    private byte[] _file = null!;
    private byte[] _signature = null!;
    private MeasurementsPublicKey _key = null!;
    private byte[] _snpConfig = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _key = MeasurementsPublicKey.FromPem(ecdsa.ExportSubjectPublicKeyInfoPem());
        var entries = string.Join(",", AttestationVariant.All.Where(v => v != AttestationVariant.Dummy).Select(v =>
            $"{{\"csp\":\"{(v.Provider == CloudProvider.Unknown ? "QEMU" : v.Provider.ToConfigString())}\",\"attestationVariant\":\"{v.Name}\",\"measurements\":{MeasurementJson.Serialize(AttestationVariantRegistry.Default.Get(v).DefaultMeasurements)}}}"));
        _file = Encoding.UTF8.GetBytes($"{{\"version\":\"v2.23.0\",\"ref\":\"-\",\"stream\":\"stable\",\"list\":[{entries}]}}");
        _signature = Encoding.ASCII.GetBytes(Convert.ToBase64String(ecdsa.SignData(_file, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        _snpConfig = AttestationConfigJson.SerializeToUtf8Bytes(AttestationConfig.CreateDefault(AttestationVariant.AzureSevSnp));
        ImageMeasurements.Parse(_file);
    }

    [Benchmark(Baseline = true)]
    public ImageMeasurements ParseMeasurementsFile() => ImageMeasurements.Parse(_file);

    [Benchmark]
    public ImageMeasurements VerifyAndParseMeasurementsFile()
    {
        MeasurementsSignature.Verify(_file, _signature, _key);
        return ImageMeasurements.Parse(_file);
    }

    [Benchmark]
    public AttestationConfig ParseAzureSevSnpConfigJson() => AttestationConfigJson.Parse(AttestationVariant.AzureSevSnp, _snpConfig);
}
