using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.AwsSevSnp;
using Constellation.Attestation.Variants.GcpSevSnp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Variants.Snp;

/// <summary>
/// Self-made gcp-sev-snp (VCEK) or aws-sev-snp (VLEK) evidence on an <see cref="SnpTestPki"/>, the AK it binds, and a
/// loopback AMD KDS serving the CRL.
/// </summary>
internal sealed class SnpVariantEvidence : IDisposable
{
    public const string VcekCrlPath = "/vcek/v1/Milan/crl";
    public const string VlekCrlPath = "/vlek/v1/Milan/crl";
    private static readonly SnpTcbVersion Tcb = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 3, 0, 8, 115);
    private static readonly byte[] ChipId = Enumerable.Range(9, 64).Select(i => (byte)i).ToArray();
    private static readonly byte[] ExtraData = SHA256.HashData("revocation"u8);
    private static readonly HttpClient Http = new();
    private readonly RSA _ak = RSA.Create(2048);

    public SnpVariantEvidence(SnpEndorsementKind kind, byte[]? reportChipId = null)
    {
        Pki = SnpTestPki.Create(kind: kind);
        Spki = _ak.ExportSubjectPublicKeyInfo();
        var reportData = kind == SnpEndorsementKind.Vcek ? [.. ExtraData, .. new byte[32]] : SHA512.HashData(Spki);
        var (report, signer) = Pki.SignedReport(Tcb, ChipId, reportChipId: reportChipId, tweak: r => reportData.CopyTo(r, 0x50));
        Signer = signer;
        var info = SnpInstanceInfoJson.Build(report, signer.ExportCertificatePem(), Pki.Intermediate.ExportCertificatePem());
        if (kind == SnpEndorsementKind.Vcek)
        {
            // gcp-sev-snp names the instance whose shielded identity holds the AK.
            var json = System.Text.Json.Nodes.JsonNode.Parse(info)!;
            json["GCP"] = new System.Text.Json.Nodes.JsonObject { ["zone"] = "europe-west3-b", ["project_id"] = "proj", ["instance_name"] = "node-0" };
            info = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        }

        InstanceInfo = info;
    }

    public SnpTestPki Pki { get; }

    public X509Certificate2 Signer { get; }

    public byte[] Spki { get; }

    public byte[] InstanceInfo { get; }

    public string CrlPath => Pki.Kind == SnpEndorsementKind.Vcek ? VcekCrlPath : VlekCrlPath;

    public static LoopbackHttpServer Kds(string crlPath, byte[] crl) =>
        new(path => path == crlPath ? LoopbackReply.Ok(crl) : LoopbackReply.Text(404, "not found"));

    public static AmdKdsClient Client(LoopbackHttpServer server, ICollateralCache cache) =>
        new(new CachedCollateralSource(cache, new CollateralFetcher(Http, new CollateralFetcherOptions { TimeProvider = new RecordingTimeProvider(SnpTestPki.At) }), new RecordingTimeProvider(SnpTestPki.At)),
            new AmdKdsOptions { BaseUri = server.BaseUri });

    /// <summary>A client that never touches the network; cache keys are URIs, so <paramref name="baseUri"/> must be the one the cache was filled from.</summary>
    public static AmdKdsClient OfflineClient(ICollateralCache cache, Uri? baseUri = null) =>
        new(new CachedCollateralSource(cache, null, new RecordingTimeProvider(SnpTestPki.At)), baseUri is null ? null : new AmdKdsOptions { BaseUri = baseUri });

    public SnpVariantOptions Options(AmdKdsClient? kds) =>
        new() { MinimumTcb = new SnpTcbParts(3, 0, 8, 115), TrustedRoots = Pki.Roots, VerificationTime = SnpTestPki.At, Kds = kds };

    public ValueTask<ReadOnlyMemory<byte>> ValidateAsync(SnpVariantOptions options)
    {
        IVtpmVariantHooks hooks = Pki.Kind == SnpEndorsementKind.Vcek
            ? new GcpSevSnpHooks(options, new FixedGce(_ak.ExportSubjectPublicKeyInfoPem()))
            : new AwsSevSnpHooks(options);
        var variant = Pki.Kind == SnpEndorsementKind.Vcek ? AttestationVariant.GcpSevSnp : AttestationVariant.AwsSevSnp;
        return hooks.GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(variant, InstanceInfo, Spki, ExtraData), default);
    }

    public void Dispose()
    {
        _ak.Dispose();
        Pki.Dispose();
    }

    private sealed class FixedGce(string pem) : IGceShieldedIdentitySource
    {
        public Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken) => Task.FromResult(pem);
    }
}
