using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Tests.Variants.Snp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// An SEV-SNP guest whose "firmware" is an <see cref="SnpTestPki"/>: each report carries the requested REPORT_DATA and is
/// signed by a fresh VCEK or VLEK of that PKI, which the host's certificate table carries (with the ASK when asked to).
/// Never AMD's roots: validators trust <see cref="Pki"/> explicitly. Also serves the PKI's CRL as a loopback KDS.
/// </summary>
internal sealed class SyntheticSnpGuest : ISnpReportSource, IAsyncDisposable
{
    private readonly bool _tableHasIntermediate;
    private readonly LoopbackHttpServer _kds;

    public SyntheticSnpGuest(SnpEndorsementKind kind, bool tableHasIntermediate)
    {
        Pki = SnpTestPki.Create(kind: kind);
        _tableHasIntermediate = tableHasIntermediate;
        _kds = SnpVariantEvidence.Kds(kind == SnpEndorsementKind.Vcek ? SnpVariantEvidence.VcekCrlPath : SnpVariantEvidence.VlekCrlPath, Pki.CurrentCrl());
    }

    public SnpTestPki Pki { get; }

    /// <summary>The certificate that signed the last report.</summary>
    public X509Certificate2? LastSigner { get; private set; }

    /// <summary>Changes each report after REPORT_DATA is written and before it is signed (for tampering tests).</summary>
    public Action<byte[]>? Tweak { get; init; }

    /// <summary>Leaves the VCEK/VLEK out of the certificate table (a host that provides none).</summary>
    public bool OmitSigner { get; init; }

    public static byte[] Table(params (Guid Guid, byte[] Der)[] entries)
    {
        var header = (entries.Length + 1) * 24;
        var table = new byte[header + entries.Sum(e => e.Der.Length)];
        var offset = header;
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].Guid.TryWriteBytes(table.AsSpan(i * 24, 16), bigEndian: true, out _);
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 24 + 16), (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 24 + 20), (uint)entries[i].Der.Length);
            entries[i].Der.CopyTo(table, offset);
            offset += entries[i].Der.Length;
        }

        return table;
    }

    public Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default)
    {
        var data = reportData.ToArray();
        var (report, signer) = Pki.SignedReport(tweak: r =>
        {
            data.CopyTo(r, 0x50);
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(0x30), vmpl);
            Tweak?.Invoke(r);
        });
        LastSigner = signer;
        var signerGuid = Pki.Kind == SnpEndorsementKind.Vcek ? SnpCertificateTable.VcekGuid : SnpCertificateTable.VlekGuid;
        var entries = OmitSigner ? [] : new List<(Guid, byte[])> { (signerGuid, signer.RawData) };
        if (_tableHasIntermediate)
        {
            entries.Add((SnpCertificateTable.AskGuid, Pki.Intermediate.RawData));
        }

        return Task.FromResult(new SnpGuestReport(SnpReport.Parse(report), Table([.. entries])));
    }

    /// <summary>Validator options that trust this PKI (and only it), check revocation against its KDS and judge time at <see cref="SnpTestPki.At"/>.</summary>
    public SnpVariantOptions Options(X509Certificate2? amdSigningKey = null) => new()
    {
        MinimumTcb = new SnpTcbParts(3, 0, 8, 0xd9),
        TrustedRoots = Pki.Roots,
        VerificationTime = SnpTestPki.At,
        AmdSigningKey = amdSigningKey,
        Kds = SnpVariantEvidence.Client(_kds, new MemoryCollateralCache()),
    };

    public async ValueTask DisposeAsync()
    {
        await _kds.DisposeAsync();
        LastSigner?.Dispose();
        Pki.Dispose();
    }
}
