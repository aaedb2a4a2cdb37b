namespace Constellation.Cli.Commands;

/// <summary>
/// The most bytes the CLI reads for one kind of input file. Each cap is derived from the format, with headroom, so a
/// real input always fits and a device, a runaway file or a huge sparse file is refused before it is read.
/// </summary>
/// <param name="Kind">What the file should hold, for messages, e.g. "an SEV-SNP report".</param>
/// <param name="MaxBytes">The cap in bytes.</param>
internal sealed record InputCap(string Kind, int MaxBytes)
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    /// <summary>
    /// An SEV-SNP ATTESTATION_REPORT is 1184 bytes (0x4A0) in every version. One page is more than any guest
    /// interface hands back for it (the kernel's SNP_GET_REPORT response buffer is 4000 bytes), so a larger file
    /// cannot be a report; the parser then insists on the exact length.
    /// </summary>
    public static InputCap SnpReport { get; } = new("an SEV-SNP report", 4 * KiB);

    /// <summary>
    /// A TDX quote is about 5 KiB: a 48-byte header, a TD report body of at most 654 bytes, then the signature data,
    /// whose only large parts are the QE authentication data (a 16-bit length, at most 65535 bytes) and the PCK
    /// chain (three PEM certificates, about 4 KiB). 128 KiB holds the largest authentication data with a chain many
    /// times the usual size, and a quote saved with its driver buffer's zero padding (the parser tolerates that).
    /// </summary>
    public static InputCap TdxQuote { get; } = new("a TDX quote", 128 * KiB);

    /// <summary>
    /// TPMS_ATTEST and TPMT_SIGNATURE come out of the TPM in a single response, and TPM response buffers are a few KiB
    /// (MAX_RESPONSE_SIZE is 4096 in the TCG reference implementation; a quote's TPMS_ATTEST is a few hundred bytes).
    /// 16 KiB leaves room for TPMs with larger buffers.
    /// </summary>
    public static InputCap TpmStructure { get; } = new("a TPM 2.0 structure", 16 * KiB);

    /// <summary>
    /// A PEM SubjectPublicKeyInfo (a TPM AK, the measurements signing key): even RSA-16384 is under 3 KiB of PEM; TPM
    /// AKs are RSA-2048 or ECC. 16 KiB allows the explanatory text some tools put around the PEM block.
    /// </summary>
    public static InputCap PublicKeyPem { get; } = new("a PEM public key", 16 * KiB);

    /// <summary>
    /// One X.509 certificate, PEM or DER: AMD's VCEK/VLEK are about 1.3 KiB DER and 1.9 KiB PEM, RSA-4096 CA
    /// certificates about 2.3 KiB PEM. 64 KiB allows large extensions and a text dump next to the PEM block.
    /// </summary>
    public static InputCap Certificate { get; } = new("a certificate", 64 * KiB);

    /// <summary>
    /// A PEM certificate chain (AMD ASK/ASVK + ARK, Intel issuer chains): two or three certificates, about 4.6 KiB.
    /// 256 KiB is several times the longest chain with text dumps in between.
    /// </summary>
    public static InputCap CertificateChain { get; } = new("a certificate chain", 256 * KiB);

    /// <summary>
    /// A CRL (DER or PEM): an entry is about 40 bytes, and AMD's KDS and Intel's PCS CRLs are 0.3 to 3 KiB. 1 MiB holds
    /// some 25,000 revoked serials, orders of magnitude beyond either.
    /// </summary>
    public static InputCap Crl { get; } = new("a CRL", MiB);

    /// <summary>
    /// Intel TCB info and QE identity JSON: the signed TCB levels of one FMSPC or of the QE, 0.6 to 5 KiB in real
    /// collateral. 1 MiB is some two hundred times the largest.
    /// </summary>
    public static InputCap TdxCollateralJson { get; } = new("TDX collateral", MiB);

    /// <summary>
    /// constellation-conf.yaml: a few dozen keys, the Go CLI's comments and at most 32 measurements of 48 bytes in hex,
    /// about 10 KiB. 1 MiB leaves room for every comment a user adds.
    /// </summary>
    public static InputCap ConfigFile { get; } = new("a configuration file", MiB);

    /// <summary>
    /// A measurements file (JSON or YAML): at most 32 registers (24 PCRs, or MRTD and 4 RTMRs) of about 150 bytes each,
    /// under 5 KiB. 256 KiB allows pretty-printing and comments.
    /// </summary>
    public static InputCap Measurements { get; } = new("a measurements file", 256 * KiB);

    /// <summary>
    /// The init secret: 32 random bytes in the Go CLI, written as 64 hex digits and a newline. 4 KiB allows any secret
    /// of up to 2 KiB with surrounding whitespace.
    /// </summary>
    public static InputCap InitSecret { get; } = new("an init secret", 4 * KiB);

    /// <summary>
    /// The master secret file: {"key":"&lt;base64&gt;","salt":"&lt;base64&gt;"} with 32-byte values, about 100 bytes.
    /// 4 KiB allows keys and salts of up to 1 KiB each.
    /// </summary>
    public static InputCap MasterSecretFile { get; } = new("a master secret file", 4 * KiB);

    /// <summary>
    /// The admin kubeconfig <c>init</c> writes: the CA, one client certificate and its key in base64 PEM, about 4 KiB.
    /// 64 KiB allows several clusters and users in one file.
    /// </summary>
    public static InputCap Kubeconfig { get; } = new("a kubeconfig", 64 * KiB);

    /// <summary>A measurements signature: base64 of one DER ECDSA P-256 signature, under 100 bytes. 4 KiB allows any whitespace.</summary>
    public static InputCap MeasurementsSignature { get; } = new("a measurements signature", 4 * KiB);

    /// <summary>A debug key: a PKCS#8 PEM ECDSA P-256 private key is about 240 bytes. 16 KiB allows text around the PEM block.</summary>
    public static InputCap DebugKey { get; } = new("a PEM private key", 16 * KiB);
}
