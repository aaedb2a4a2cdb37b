using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Pki;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// A test-only Intel-shaped PKI (root, PCK platform CA, PCK leaf with SGX extension, TCB signing cert) and builders for
/// TDX quotes and signed collateral, so end-to-end paths (UpToDate, revoked PCK, stale collateral) can be exercised.
/// </summary>
internal sealed class SyntheticTdx : IDisposable
{
    public const string Fmspc = "00906ed50000";
    private const string Suffix = ", O=Intel Corporation, L=Santa Clara, S=CA, C=US";

    public static readonly DateTimeOffset At = TestPki.Start.AddDays(1);
    public static readonly byte[] QeMrSigner = Convert.FromHexString("DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5");
    public static readonly byte[] IntelVendor = Convert.FromHexString("939a7233f79c4ca9940a0db3957f0607");

    public SyntheticTdx(byte[]? pckComponents = null, ushort pckPceSvn = 11)
    {
        Root = TestPki.CreateCa("CN=Intel SGX Root CA" + Suffix, null, 1);
        PlatformCa = TestPki.CreateCa("CN=Intel SGX PCK Platform CA" + Suffix, Root, 0);
        TcbSigning = CreateLeaf("CN=Intel SGX TCB Signing" + Suffix, Root, null);
        Pck = CreateLeaf("CN=Intel SGX PCK Certificate" + Suffix, PlatformCa, SgxExtension(pckComponents ?? Components(3), pckPceSvn));
        AttestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 PlatformCa { get; }

    public X509Certificate2 TcbSigning { get; }

    public X509Certificate2 Pck { get; }

    public ECDsa AttestationKey { get; }

    /// <summary>Verification options trusting this PKI's root, judging at <see cref="At"/>.</summary>
    public TdxVerificationOptions Options => new() { TrustedRoots = [Root], VerificationTime = At };

    public static byte[] Components(byte value) => Enumerable.Repeat(value, 16).ToArray();

    /// <summary>Builds a v4 quote. <paramref name="edit"/> may change the 584-byte body before signing.</summary>
    public byte[] Quote(Action<byte[]>? edit = null, ushort qeIsvSvn = 4, byte[]? teeTcbSvn = null)
    {
        var body = new byte[584];
        (teeTcbSvn ?? new byte[] { 3, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }).CopyTo(body, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(0x78), 1UL << 28); // SEPT_VE_DISABLE
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(0x80), 0xE7); // XFAM
        RandomNumberGenerator.Fill(body.AsSpan(0x88, 48)); // MRTD
        edit?.Invoke(body);

        var header = new byte[48];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 0x81);
        IntelVendor.CopyTo(header, 12);
        var signed = header.Concat(body).ToArray();
        var signature = AttestationKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var p = AttestationKey.ExportParameters(false);
        var key = p.Q.X!.Concat(p.Q.Y!).ToArray();

        var auth = RandomNumberGenerator.GetBytes(32);
        var qe = new byte[384];
        BinaryPrimitives.WriteUInt16LittleEndian(qe.AsSpan(0x100), 2); // ISVPRODID
        BinaryPrimitives.WriteUInt16LittleEndian(qe.AsSpan(0x102), qeIsvSvn);
        qe[0x30] = 0x11;
        QeMrSigner.CopyTo(qe, 0x80);
        SHA256.HashData(key.Concat(auth).ToArray()).CopyTo(qe, 0x140);
        using var pckKey = Pck.GetECDsaPrivateKey()!;
        var qeSig = pckKey.SignData(qe, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var pem = Encoding.ASCII.GetBytes(Pck.ExportCertificatePem() + "\n" + PlatformCa.ExportCertificatePem() + "\n" + Root.ExportCertificatePem() + "\n\0");

        var cert = new List<byte>();
        cert.AddRange(qe);
        cert.AddRange(qeSig);
        cert.AddRange(U16((ushort)auth.Length));
        cert.AddRange(auth);
        cert.AddRange(U16(5));
        cert.AddRange(U32((uint)pem.Length));
        cert.AddRange(pem);

        var sigData = new List<byte>();
        sigData.AddRange(signature);
        sigData.AddRange(key);
        sigData.AddRange(U16(6));
        sigData.AddRange(U32((uint)cert.Count));
        sigData.AddRange(cert);

        return signed.Concat(U32((uint)sigData.Count)).Concat(sigData).ToArray();
    }

    /// <summary>
    /// Collateral signed by this PKI. Levels are (sgx component value, tdx component value, status, tcbDate, advisories);
    /// <paramref name="editTcbInfo"/> and <paramref name="editQeIdentity"/> may rewrite the JSON members before signing.
    /// </summary>
    public TdxCollateral Collateral(
        (byte Sgx, byte Tdx, string Status, DateTimeOffset Date, string[] Advisories)[]? levels = null,
        DateTimeOffset? nextUpdate = null,
        string qeStatus = "UpToDate",
        X509Certificate2[]? revokedPcks = null,
        Func<string, string>? editTcbInfo = null,
        Func<string, string>? editQeIdentity = null)
    {
        levels ??= [(3, 0, "UpToDate", TestPki.Start.AddDays(-100), [])];
        var next = nextUpdate ?? TestPki.Start.AddDays(30);
        var issue = TestPki.Start.AddDays(-1);
        var levelJson = string.Join(",", levels.Select(l =>
            $"{{\"tcb\":{{\"sgxtcbcomponents\":[{Comps(l.Sgx)}],\"pcesvn\":11,\"tdxtcbcomponents\":[{Comps(l.Tdx)}]}},\"tcbDate\":\"{Iso(l.Date)}\",\"tcbStatus\":\"{l.Status}\""
            + (l.Advisories.Length > 0 ? $",\"advisoryIDs\":[{string.Join(",", l.Advisories.Select(a => $"\"{a}\""))}]" : string.Empty) + "}"));
        var tcbInfo = $"{{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"{Iso(issue)}\",\"nextUpdate\":\"{Iso(next)}\",\"fmspc\":\"{Fmspc}\",\"pceId\":\"0000\",\"tcbType\":0,\"tcbEvaluationDataNumber\":17,"
            + $"\"tdxModule\":{{\"mrsigner\":\"{new string('0', 96)}\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"}},\"tcbLevels\":[{levelJson}]}}";
        var qeIdentity = $"{{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"{Iso(issue)}\",\"nextUpdate\":\"{Iso(next)}\",\"tcbEvaluationDataNumber\":17,\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\","
            + $"\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"{Convert.ToHexString(QeMrSigner)}\",\"isvprodid\":2,"
            + $"\"tcbLevels\":[{{\"tcb\":{{\"isvsvn\":4}},\"tcbDate\":\"{Iso(TestPki.Start.AddDays(-100))}\",\"tcbStatus\":\"{qeStatus}\"}}]}}";
        return new TdxCollateral
        {
            TcbInfo = TdxTcbInfo.Parse(SignedBody("tcbInfo", editTcbInfo?.Invoke(tcbInfo) ?? tcbInfo)),
            TcbInfoIssuerChain = [TcbSigning, Root],
            QeIdentity = TdxQeIdentity.Parse(SignedBody("enclaveIdentity", editQeIdentity?.Invoke(qeIdentity) ?? qeIdentity)),
            QeIdentityIssuerChain = [TcbSigning, Root],
            PckCrl = CertificateRevocationList.Parse(TestPki.MakeCrl(PlatformCa, TestPki.Start, TestPki.Start.AddDays(30), revokedPcks ?? [])),
            RootCaCrl = CertificateRevocationList.Parse(TestPki.MakeCrl(Root, TestPki.Start, TestPki.Start.AddDays(365))),
        };
    }

    public byte[] SignedBody(string member, string json)
    {
        using var key = TcbSigning.GetECDsaPrivateKey()!;
        var sig = key.SignData(Encoding.UTF8.GetBytes(json), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Encoding.UTF8.GetBytes($"{{\"{member}\":{json},\"signature\":\"{Convert.ToHexStringLower(sig)}\"}}");
    }

    public void Dispose()
    {
        AttestationKey.Dispose();
        Pck.Dispose();
        TcbSigning.Dispose();
        PlatformCa.Dispose();
        Root.Dispose();
    }

    private static string Comps(byte v) => string.Join(",", Enumerable.Repeat($"{{\"svn\":{v}}}", 16));

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static X509Extension SgxExtension(byte[] components, ushort pceSvn)
    {
        const string Sgx = PckCertificateExtensions.SgxExtensionOid;
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            Item(w, Sgx + ".1", x => x.WriteOctetString(new byte[16]));
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(Sgx + ".2");
                using (w.PushSequence())
                {
                    for (var i = 0; i < 16; i++)
                    {
                        var c = components[i];
                        Item(w, $"{Sgx}.2.{i + 1}", x => x.WriteInteger(c));
                    }

                    Item(w, Sgx + ".2.17", x => x.WriteInteger(pceSvn));
                    Item(w, Sgx + ".2.18", x => x.WriteOctetString(components));
                }
            }

            Item(w, Sgx + ".3", x => x.WriteOctetString(new byte[2]));
            Item(w, Sgx + ".4", x => x.WriteOctetString(Convert.FromHexString(Fmspc)));
        }

        return new X509Extension(Sgx, w.Encode(), false);

        static void Item(AsnWriter w, string oid, Action<AsnWriter> value)
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(oid);
                value(w);
            }
        }
    }

    private static X509Certificate2 CreateLeaf(string name, X509Certificate2 issuer, X509Extension? extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = 0x42;
        using var cert = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), TestPki.Start.AddYears(-1), TestPki.Start.AddYears(5), serial);
        return cert.CopyWithPrivateKey(key);
    }
}
