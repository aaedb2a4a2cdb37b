using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.IO;
using Constellation.Attestation.Pki;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// The collateral a TDX quote is judged against: TCB info and QE identity with their issuer chains, and the PCK and
/// root CA CRLs. Any part may be absent; the verifier says which part it needed. Immutable.
/// </summary>
public sealed class TdxCollateral
{
    /// <summary>File name of the TCB info response body in a collateral directory.</summary>
    public const string TcbInfoFile = "tcb-info.json";

    /// <summary>File name of the TCB info issuer chain (PEM).</summary>
    public const string TcbInfoIssuerChainFile = "tcb-info-issuer-chain.pem";

    /// <summary>File name of the QE identity response body.</summary>
    public const string QeIdentityFile = "qe-identity.json";

    /// <summary>File name of the QE identity issuer chain (PEM).</summary>
    public const string QeIdentityIssuerChainFile = "qe-identity-issuer-chain.pem";

    /// <summary>File name of the PCK CRL (DER or PEM).</summary>
    public const string PckCrlFile = "pck-crl.der";

    /// <summary>File name of the Intel SGX Root CA CRL (DER or PEM).</summary>
    public const string RootCaCrlFile = "root-ca-crl.der";

    /// <summary>Gets the TCB info.</summary>
    public TdxTcbInfo? TcbInfo { get; init; }

    /// <summary>Gets the TCB info issuer chain: TCB signing certificate, then root.</summary>
    public IReadOnlyList<X509Certificate2>? TcbInfoIssuerChain { get; init; }

    /// <summary>Gets the QE identity.</summary>
    public TdxQeIdentity? QeIdentity { get; init; }

    /// <summary>Gets the QE identity issuer chain: TCB signing certificate, then root.</summary>
    public IReadOnlyList<X509Certificate2>? QeIdentityIssuerChain { get; init; }

    /// <summary>Gets the CRL of the PCK certificate's issuing CA (platform or processor).</summary>
    public CertificateRevocationList? PckCrl { get; init; }

    /// <summary>Gets the CRL of the Intel SGX Root CA.</summary>
    public CertificateRevocationList? RootCaCrl { get; init; }

    // PCS serves TCB info and QE identity of a few KiB, issuer chains of two certificates and CRLs of a few KiB; 1 MiB
    // leaves room for large revocation lists and still bounds what a wrong path can make the process read.
    private const int MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// Reads collateral files from a directory (names as in the constants of this class); absent files leave their part unset.
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The collateral.</returns>
    /// <exception cref="AttestationFormatException">A present file is malformed.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">A present file is not a regular file of at most 1 MiB.</exception>
    public static async Task<TdxCollateral> LoadDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"collateral directory not found: {directory}");
        }

        async Task<byte[]?> Read(string name)
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? await BoundedFile.ReadAsync(path, MaxFileBytes, cancellationToken).ConfigureAwait(false) : null;
        }

        var tcb = await Read(TcbInfoFile).ConfigureAwait(false);
        var tcbChain = await Read(TcbInfoIssuerChainFile).ConfigureAwait(false);
        var qe = await Read(QeIdentityFile).ConfigureAwait(false);
        var qeChain = await Read(QeIdentityIssuerChainFile).ConfigureAwait(false);
        var pckCrl = await Read(PckCrlFile).ConfigureAwait(false) ?? await Read("pck-crl.pem").ConfigureAwait(false);
        var rootCrl = await Read(RootCaCrlFile).ConfigureAwait(false) ?? await Read("root-ca-crl.pem").ConfigureAwait(false);
        return new TdxCollateral
        {
            TcbInfo = tcb is null ? null : TdxTcbInfo.Parse(tcb),
            TcbInfoIssuerChain = tcbChain is null ? null : PemCertificates.ParseChain(tcbChain, 2, "TCB info issuer chain"),
            QeIdentity = qe is null ? null : TdxQeIdentity.Parse(qe),
            QeIdentityIssuerChain = qeChain is null ? null : PemCertificates.ParseChain(qeChain, 2, "QE identity issuer chain"),
            PckCrl = pckCrl is null ? null : CertificateRevocationList.Parse(pckCrl),
            RootCaCrl = rootCrl is null ? null : CertificateRevocationList.Parse(rootCrl),
        };
    }
}
