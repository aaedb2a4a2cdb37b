using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Variants.QemuTdx;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Fuzz;

/// <summary>
/// Every fuzz target, by name. Each one calls a real parser entry point of <c>src/</c> and catches only
/// <see cref="AttestationException"/> (and subclasses), which every one of these parsers documents as its failure mode.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The instant the aTLS target verifies certificates at (inside the seed certificates' validity).</summary>
    public static readonly DateTimeOffset AtlsNow = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The nonce the aTLS target expects the dummy document to carry.</summary>
    public static readonly byte[] AtlsNonce = Enumerable.Repeat((byte)0x5a, 32).ToArray();

    /// <summary>
    /// The HCL AK public key (RSA-2048, exponent 65537) of <c>testdata/snp/azure-runtimedata.json</c>, so that
    /// the seed reaches the "keys match" path. A public key; base64url as in the JWK.
    /// </summary>
    private const string AzureHclAkModulus =
        "tyFqvAAAf2GFelkW7VcRhJnA2YvY6LjBzeUN2vaMZnZth_tFnWMkK5AXtusyCNel3uip3VGZzTaz5X2tGVjGrs-MVHcap9QdwqUXVW3g9OQ_tEbixcx7-xblUJQkGEQfnbbSdnPI2lvLzOs1Z_0vjeDAxvSQrmags6nY-cJAWH-pgDVJyHtpsUSs_QBWklazDso5WHmnMt9s9MuilWXox0RSyXnUeaQyhY1ju7RTScRnVXuNy67z_EJnwM92drwFb8AUd0SJ_9ohvEYl4aZRDECGo0VrjcSHU-JGJeuWC5VhDBR5EOoCVBBgqe9e83v_lJxI3WLe2ovSIZIIzAmbSQ";

    private static readonly Lazy<byte[]> AzureHclAkSpki = new(() =>
    {
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlDecode(AzureHclAkModulus), Exponent = [1, 0, 1] });
        return rsa.ExportSubjectPublicKeyInfo();
    });

    // Lazy: instrumented code must not run before SharpFuzz has set up the coverage map (it would touch unmapped memory).
    private static readonly Lazy<AtlsPeerVerifier> AtlsVerifier = new(() => new([new DummyValidator()], TimeSpan.FromSeconds(30), new FixedTimeProvider(AtlsNow)));

    /// <summary>Gets all targets, in the order the fuzz script runs them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("snp-report", "SEV-SNP attestation report: SnpReport.Parse", SnpReportTarget),
        new("tdx-quote", "TDX quote v4/v5 (strict): TdxQuote.Parse", TdxQuoteTarget),
        new("azure-hcl", "Azure HCL report (AzureHclReport.Parse), its runtime data (keys[0] JWK vs the AK) and the azure-sev-snp InstanceInfo JSON carrying it", AzureHclTarget),
        new("tpms-attest", "TPMS_ATTEST (quote): TpmAttest.Parse", TpmsAttestTarget),
        new("tpmt-public", "TPMT_PUBLIC: TpmPublic.Parse, then the key export", TpmtPublicTarget),
        new("tpmt-signature", "TPMT_SIGNATURE: TpmSignature.Parse", TpmtSignatureTarget),
        new("vtpm-json", "vTPM document JSON: VtpmDocument.Parse, then the embedded TPM structures; the canonical fast path against the general reader", VtpmJsonTarget),
        new("vtpm-protobuf", "go-tpm-tools attest.Attestation protobuf: VtpmAttestation.ParseProtobuf, then the embedded TPM structures", VtpmProtobufTarget),
        new("atls-cert", "aTLS peer certificate and its attestation extension: AtlsPeerVerifier.VerifyAsync with the dummy validator", AtlsCertificateTarget),
        new("measurements-json", "measurements JSON: MeasurementJson.Parse", MeasurementsJsonTarget),
        new("measurements-yaml", "measurements YAML: MeasurementYaml.Parse", MeasurementsYamlTarget),
        new("tdx-tcb-info", "Intel PCS TCB info JSON: TdxTcbInfo.Parse", TcbInfoTarget),
        new("tdx-qe-identity", "Intel PCS QE identity JSON: TdxQeIdentity.Parse", QeIdentityTarget),
        new("crl-pki", "X.509 CRL (DER or PEM): CertificateRevocationList.Parse", PkiCrlTarget),
        new("crl-snp", "AMD KDS CRL (DER): SnpRevocationList.Parse", SnpCrlTarget),
        new("tcg-event-log", "TCG event log (crypto-agile): TcgEventLog.Parse, then the GCE platform state", TcgEventLogTarget),
        new("cloud-json", "JSON bodies from the network and instance info: GCE/AWS/azure-tdx instance info, qemu-tdx document, GCE shielded identity", CloudJsonTarget),
    ];

    /// <summary>
    /// Gets a target that crashes (an <see cref="InvalidOperationException"/> escapes) on any input containing the ASCII
    /// text <c>CRASH</c>: proves that the afl++ pipeline reports crashes. Not in <see cref="All"/>.
    /// </summary>
    public static FuzzTarget SelfTest { get; } = new("self-test", "pipeline self-test: crashes on inputs containing CRASH", data =>
    {
        // Runs instrumented code first: afl++ refuses a target that reports no coverage.
        _ = SnpReport.TryParse(data, out _);
        if (data.AsSpan().IndexOf("CRASH"u8) >= 0)
        {
            throw new InvalidOperationException("self-test crash");
        }
    });

    /// <summary>Finds a target by name.</summary>
    /// <param name="name">The target name.</param>
    /// <returns>The target, or null.</returns>
    public static FuzzTarget? Find(string name) =>
        name == SelfTest.Name ? SelfTest : All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    private static void SnpReportTarget(byte[] data)
    {
        try
        {
            var report = SnpReport.Parse(data);
            _ = report.ReportedTcb;
            _ = report.Policy;
        }
        catch (AttestationException)
        {
        }
    }

    private static void TdxQuoteTarget(byte[] data)
    {
        try
        {
            var quote = TdxQuote.Parse(data);
            _ = quote.Body.ReportData;
            _ = quote.QeReport.ReportData;
            _ = quote.Signature.Length + quote.AttestationKey.Length + quote.QeReportSignature.Length + quote.QeAuthData.Length;

            // The verifier's next step: the PCK chain PEM carried in the quote.
            foreach (var certificate in TdxQuoteVerifier.ReadPckChain(quote))
            {
                certificate.Dispose();
            }
        }
        catch (AttestationException)
        {
        }
    }

    // One target for the three shapes Azure HCL evidence arrives in: the binary HCL report read from the vTPM NV index
    // (azure-tdx, azure-sev-snp), its runtime-data JSON on its own, and the azure-sev-snp InstanceInfo JSON carrying it.
    private static void AzureHclTarget(byte[] data)
    {
        try
        {
            var report = AzureHclReport.Parse(data);
            _ = report.GetReportData();
            if (report.ReportType == AzureHclReportType.Tdx)
            {
                _ = report.GetTdReport();
            }

            HclAttestationKeyBinding.VerifyAkMatchesRuntimeData(report.RuntimeData, AzureHclAkSpki.Value);
        }
        catch (AttestationException)
        {
        }

        try
        {
            HclAttestationKeyBinding.VerifyAkMatchesRuntimeData(data, AzureHclAkSpki.Value);
        }
        catch (AttestationException)
        {
        }

        try
        {
            var info = SnpInstanceInfo.Parse(data);
            if (info.AzureRuntimeData is { } runtimeData)
            {
                HclAttestationKeyBinding.VerifyAkMatchesRuntimeData(runtimeData.Span, AzureHclAkSpki.Value);
            }
        }
        catch (AttestationException)
        {
        }
    }

    private static void TpmsAttestTarget(byte[] data)
    {
        try
        {
            _ = TpmAttest.Parse(data);
        }
        catch (AttestationException)
        {
        }
    }

    private static void TpmtPublicTarget(byte[] data)
    {
        try
        {
            var pub = TpmPublic.Parse(data);
            _ = pub.ToSubjectPublicKeyInfo();
        }
        catch (AttestationException)
        {
        }
    }

    private static void TpmtSignatureTarget(byte[] data)
    {
        try
        {
            _ = TpmSignature.Parse(data);
        }
        catch (AttestationException)
        {
        }
    }

    private static void VtpmJsonTarget(byte[] data)
    {
        // Differential: whatever the canonical fast path accepts, the general reader must accept with the same fields.
        var canonical = VtpmJsonReader.TryReadCanonical(data);
        if (canonical is not null)
        {
            VtpmDocument general;
            try
            {
                general = VtpmJsonReader.ReadGeneral(data);
            }
            catch (Exception ex) when (ex is AttestationException or System.Text.Json.JsonException)
            {
                throw new InvalidOperationException("the canonical vTPM reader accepted a document the general reader rejects", ex);
            }

            if (!canonical.ToJson().AsSpan().SequenceEqual(general.ToJson()))
            {
                throw new InvalidOperationException("the canonical and the general vTPM reader decoded different fields");
            }
        }

        try
        {
            ParseEmbedded(VtpmDocument.Parse(data).Attestation);
        }
        catch (AttestationException)
        {
        }
    }

    private static void VtpmProtobufTarget(byte[] data)
    {
        try
        {
            ParseEmbedded(VtpmAttestation.ParseProtobuf(data));
        }
        catch (AttestationException)
        {
        }
    }

    // What the vTPM validator parses before any cryptography; each parser throws its own typed error.
    private static void ParseEmbedded(VtpmAttestation attestation)
    {
        _ = TpmPublic.Parse(attestation.AkPublic.Span);
        foreach (var quote in attestation.Quotes)
        {
            _ = TpmAttest.Parse(quote.Quote.Span);
            _ = TpmSignature.Parse(quote.RawSignature.Span);
        }
    }

    private static void AtlsCertificateTarget(byte[] data)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(data);
        }
        catch (CryptographicException)
        {
            // The platform's DER decoder rejected the bytes before any Constellation code ran.
            return;
        }

        using (certificate)
        {
            try
            {
                _ = AtlsVerifier.Value.VerifyAsync(certificate, AtlsNonce).AsTask().GetAwaiter().GetResult();
            }
            catch (AttestationException)
            {
            }
        }
    }

    private static void MeasurementsJsonTarget(byte[] data)
    {
        try
        {
            _ = MeasurementJson.Parse(data);
        }
        catch (AttestationException)
        {
        }
    }

    private static void MeasurementsYamlTarget(byte[] data)
    {
        try
        {
            _ = MeasurementYaml.Parse(Encoding.UTF8.GetString(data));
        }
        catch (AttestationException)
        {
        }
    }

    private static void TcgEventLogTarget(byte[] data)
    {
        try
        {
            var log = TcgEventLog.Parse(data);
            _ = GcePlatformState.FromEventLog(log);
        }
        catch (AttestationException)
        {
        }
    }

    private static void CloudJsonTarget(byte[] data)
    {
        // Each parser sees every input: one corpus of JSON shapes exercises all of them.
        Accept(() => GceInstanceInfo.Parse(data));
        Accept(() => AwsInstanceIdentity.Parse(data));
        Accept(() => AzureTdxInstanceInfo.Parse(data));
        Accept(() => QemuTdxDocument.Parse(data));
        Accept(() => GceShieldedIdentityClient.ParseSigningKey(Encoding.UTF8.GetString(data)));

        static void Accept(Func<object> parse)
        {
            try
            {
                _ = parse();
            }
            catch (AttestationException)
            {
            }
        }
    }

    private static void TcbInfoTarget(byte[] data)
    {
        try
        {
            _ = TdxTcbInfo.Parse(data);
        }
        catch (AttestationException)
        {
        }
    }

    private static void QeIdentityTarget(byte[] data)
    {
        try
        {
            _ = TdxQeIdentity.Parse(data);
        }
        catch (AttestationException)
        {
        }
    }

    private static void PkiCrlTarget(byte[] data)
    {
        try
        {
            var crl = CertificateRevocationList.Parse(data);
            _ = crl.RevokedSerialNumbers.Count;
        }
        catch (AttestationException)
        {
        }
    }

    private static void SnpCrlTarget(byte[] data)
    {
        try
        {
            var crl = SnpRevocationList.Parse(data);
            _ = crl.ThisUpdate;
            _ = crl.NextUpdate;
        }
        catch (AttestationException)
        {
        }
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
