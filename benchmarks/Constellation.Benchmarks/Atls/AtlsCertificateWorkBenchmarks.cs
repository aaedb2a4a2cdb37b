using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Benchmarks.Atls;

/// <summary>
/// The CPU work an aTLS server does per connection to turn a pooled key and an issued document into something
/// <see cref="SslStream"/> can present, without sockets, so that the two choices that dominate it are measured
/// in the same run: the key type (<see cref="ECDsa.Create()"/>'s wrapper vs <see cref="ECDsaOpenSsl"/>, which decides
/// whether <c>CopyWithPrivateKey</c> copies the private scalar) and the certificate context (no trust list: the chain
/// is built against a copy of the system root store; a trust list holding the leaf: against that list only).
/// Key generation is excluded (the key pool does it ahead of the handshake). Linux only (ECDsaOpenSsl).
/// </summary>
[MemoryDiagnoser]
[SupportedOSPlatform("linux")]
public class AtlsCertificateWorkBenchmarks : IDisposable
{
    private ECDsa _wrapperKey = null!;
    private ECDsaOpenSsl _openSslKey = null!;
    private byte[] _document = null!;
    private X509Certificate2 _peerCertificate = null!;
    private AtlsPeerVerifier _verifier = null!;
    private byte[] _nonce = null!;

    [GlobalSetup]
    public void Setup()
    {
        _wrapperKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _openSslKey = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        _nonce = AtlsNonce.Create();
        _document = new DummyIssuer().IssueAsync(AtlsCertificateFactory.ComputeUserData(_openSslKey), _nonce).AsTask().GetAwaiter().GetResult();
        using var withKey = AtlsCertificateFactory.Create(_openSslKey, AttestationVariant.Dummy, _document, DateTimeOffset.UtcNow);
        _peerCertificate = X509CertificateLoader.LoadCertificate(withKey.RawData);
        _verifier = new AtlsPeerVerifier([new DummyValidator()], AtlsOptions.DefaultValidationTimeout);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _wrapperKey.Dispose();
        _openSslKey.Dispose();
        _peerCertificate.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "server: ECDsa.Create key, context without trust (before)")]
    public int ServerBefore()
    {
        using var certificate = AtlsCertificateFactory.Create(_wrapperKey, AttestationVariant.Dummy, _document, DateTimeOffset.UtcNow);
        return SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true).IntermediateCertificates.Count;
    }

    [Benchmark(Description = "server: ECDsaOpenSsl key, context without trust")]
    public int ServerOpenSslKey()
    {
        using var certificate = AtlsCertificateFactory.Create(_openSslKey, AttestationVariant.Dummy, _document, DateTimeOffset.UtcNow);
        return SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true).IntermediateCertificates.Count;
    }

    [Benchmark(Description = "server: ECDsaOpenSsl key, context trusting the leaf (now)")]
    public int ServerNow()
    {
        using var certificate = AtlsCertificateFactory.Create(_openSslKey, AttestationVariant.Dummy, _document, DateTimeOffset.UtcNow);
        var trust = SslCertificateTrust.CreateForX509Collection([certificate], sendTrustInHandshake: false);
        return SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true, trust).IntermediateCertificates.Count;
    }

    [Benchmark(Description = "client: verify peer certificate + dummy document")]
    public async Task<int> ClientVerify()
    {
        var peer = await _verifier.VerifyAsync(_peerCertificate, _nonce);
        return peer.ExtensionOids.Length;
    }
}
