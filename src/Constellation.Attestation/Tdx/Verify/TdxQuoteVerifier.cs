using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Caching;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Verifies a TDX quote: the quote signature by the attestation key, the QE report signature by the PCK key and its
/// binding of the attestation key, the PCK chain to a pinned root with CRLs, and (unless signatures only) the TCB info and
/// QE identity signatures, issuer chains and freshness; then evaluates the TCB against the verified collateral. Returns
/// the facts (<see cref="TdxQuoteVerificationResult"/>); whether they are acceptable is <see cref="Validate.TdxQuoteValidator"/>'s
/// decision.
/// </summary>
/// <remarks>
/// Thread-safe. Successful chain and collateral verifications are remembered (bounded) while their exact inputs recur
/// inside their validity windows, and imported attestation keys are reused by their exact bytes, so a warm verifier mostly
/// pays for the quote signature.
/// </remarks>
public sealed class TdxQuoteVerifier
{
    private const string PckLeafCn = "Intel SGX PCK Certificate";
    private const string PlatformCaCn = "Intel SGX PCK Platform CA";
    private const string ProcessorCaCn = "Intel SGX PCK Processor CA";

    // Successful chain/QE-report and collateral verifications, reused while their inputs are byte-identical and the
    // verification time stays inside every certificate's, CRL's and document's validity window.
    private readonly VerificationMemo<StrongBox<(VerifiedCertificateChain, PckCertificateExtensions)>> _pckMemo = new();
    private readonly VerificationMemo<string> _collateralMemo = new();

    // Imported attestation keys by exact bytes: importing (and point-validating) costs more than the verification itself.
    private const int MaxAttestationKeys = 256;
    private readonly KeyPool<ECDsa> _attestationKeys = new(MaxAttestationKeys);

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The options, or <see langword="null"/> for <see cref="TdxVerificationOptions.Default"/> (Intel SGX Root CA).</param>
    /// <exception cref="ArgumentException"><see cref="TdxVerificationOptions.TrustedRoots"/> is empty.</exception>
    public TdxQuoteVerifier(TdxVerificationOptions? options = null)
    {
        options ??= TdxVerificationOptions.Default;
        if (options.TrustedRoots.Count == 0)
        {
            throw new ArgumentException("at least one trusted root is required", nameof(options));
        }

        Options = options;
    }

    /// <summary>Gets the options in force.</summary>
    public TdxVerificationOptions Options { get; }

    /// <summary>Returns which CA issued the quote's PCK certificate (selects the PCK CRL).</summary>
    /// <param name="quote">The quote.</param>
    /// <returns>The CA type.</returns>
    /// <exception cref="AttestationFormatException">The chain is malformed.</exception>
    /// <exception cref="CertificateChainException">The issuer is not an Intel PCK CA.</exception>
    public static PckCaType GetPckCaType(TdxQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        return CaType(ReadPckChain(quote)[0]);
    }

    /// <summary>Reads the PCK chain (leaf, intermediate, root) from the quote without verifying it.</summary>
    /// <param name="quote">The quote.</param>
    /// <returns>The three certificates.</returns>
    /// <exception cref="AttestationFormatException">Not exactly three PEM certificates.</exception>
    public static IReadOnlyList<X509Certificate2> ReadPckChain(TdxQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        return PemCertificates.ParseChain(quote.PckCertificateChainPem, 3, "PCK certificate chain");
    }

    /// <summary>
    /// Fetches the collateral the options require from <see cref="TdxVerificationOptions.CollateralSource"/> and verifies
    /// (nothing is fetched when neither TCB evaluation nor CRLs are required).
    /// </summary>
    /// <param name="quote">The quote.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The verification facts.</returns>
    /// <exception cref="InvalidOperationException">Collateral is required but no collateral source is configured.</exception>
    /// <exception cref="CollateralUnavailableException">The collateral cannot be obtained.</exception>
    /// <exception cref="AttestationException">As <see cref="Verify"/>.</exception>
    public async Task<TdxQuoteVerificationResult> VerifyAsync(TdxQuote quote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var collateral = new TdxCollateral();
        if (Options.RequiresCollateral)
        {
            var source = Options.CollateralSource
                ?? throw new InvalidOperationException($"the verification requires collateral but {nameof(TdxVerificationOptions)}.{nameof(TdxVerificationOptions.CollateralSource)} is not set");
            var chain = ReadPckChain(quote);
            var fmspc = PckCertificateExtensions.Read(chain[0]).FmspcHex;
            collateral = await source.GetCollateralAsync(fmspc, CaType(chain[0]), cancellationToken).ConfigureAwait(false);
        }

        return Verify(quote, collateral);
    }

    /// <summary>Verifies the quote against the given collateral at <see cref="TdxVerificationOptions.VerificationTime"/> (or now).</summary>
    /// <param name="quote">The quote.</param>
    /// <param name="collateral">TCB info, QE identity and CRLs (parts may be absent in signatures-only mode).</param>
    /// <returns>The verification facts.</returns>
    /// <exception cref="AttestationSignatureException">A quote, QE report or collateral signature fails.</exception>
    /// <exception cref="AttestationBindingException">The QE report does not vouch for the attestation key.</exception>
    /// <exception cref="CertificateChainException">A chain is untrusted or a certificate is revoked.</exception>
    /// <exception cref="AttestationFreshnessException">A certificate, CRL or collateral is out of date.</exception>
    /// <exception cref="CollateralUnavailableException">Required collateral is missing.</exception>
    public TdxQuoteVerificationResult Verify(TdxQuote quote, TdxCollateral collateral)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(collateral);
        var at = Options.Now;
        var requireCrls = Options.RequireRevocationLists;
        var grace = Options.CollateralGracePeriod;

        TdxQuoteSignatures.VerifyQuoteSignature(quote, _attestationKeys);
        if (requireCrls && (collateral.PckCrl is null || collateral.RootCaCrl is null))
        {
            throw new CollateralUnavailableException(
                $"revocation lists required but missing: {(collateral.PckCrl is null ? "PCK CRL " : string.Empty)}{(collateral.RootCaCrl is null ? "root CA CRL" : string.Empty)}".Trim());
        }

        var (pckChain, pck) = VerifyPck(quote, collateral, requireCrls, at);
        TdxQuoteSignatures.VerifyQeReportBinding(quote);
        if (!Options.RequireTcbEvaluation)
        {
            return new TdxQuoteVerificationResult(quote, at, pckChain, pck, null, null, null, null, [], [], []);
        }

        var tcbInfo = collateral.TcbInfo ?? throw new CollateralUnavailableException("TCB info is missing");
        var tcbChain = collateral.TcbInfoIssuerChain ?? throw new CollateralUnavailableException("TCB info issuer chain is missing");
        var qeIdentity = collateral.QeIdentity ?? throw new CollateralUnavailableException("QE identity is missing");
        var qeChain = collateral.QeIdentityIssuerChain ?? throw new CollateralUnavailableException("QE identity issuer chain is missing");
        VerifyCollateral(tcbInfo.SignedBytes, tcbInfo.Signature, tcbChain, collateral.RootCaCrl, grace, at, tcbInfo.IssueDate, tcbInfo.NextUpdate,
            () => TdxCollateralVerifier.VerifyTcbInfo(tcbInfo, tcbChain, Options.TrustedRoots, at, collateral.RootCaCrl, grace));
        VerifyCollateral(qeIdentity.SignedBytes, qeIdentity.Signature, qeChain, collateral.RootCaCrl, grace, at, qeIdentity.IssueDate, qeIdentity.NextUpdate,
            () => TdxCollateralVerifier.VerifyQeIdentity(qeIdentity, qeChain, Options.TrustedRoots, at, collateral.RootCaCrl, grace));
        var warnings = new List<string>();
        AddGraceWarning(warnings, "TCB info", tcbInfo.NextUpdate, at);
        AddGraceWarning(warnings, "QE identity", qeIdentity.NextUpdate, at);

        var tcb = TdxTcbEvaluator.Evaluate(quote.Body, pck, tcbInfo);
        var qe = quote.QeReport;
        var qeLevel = qeIdentity.TcbLevels.FirstOrDefault(l => l.IsvSvn <= qe.IsvSvn);
        return new TdxQuoteVerificationResult(quote, at, pckChain, pck, tcbInfo, qeIdentity, tcb, qeLevel,
            TdxCollateralBinding.TcbInfoMismatches(quote.Body, pck, tcbInfo, tcb), TdxCollateralBinding.QeIdentityMismatches(qe, qeIdentity), warnings);
    }

    private (VerifiedCertificateChain Chain, PckCertificateExtensions Pck) VerifyPck(TdxQuote quote, TdxCollateral collateral, bool requireCrls, DateTimeOffset at)
    {
        string key;
        using (var k = new MemoKey())
        {
            k.Add(quote.PckCertificateChainPem).Add(quote.QeReport.RawData).Add(quote.QeReportSignature).Add(requireCrls ? 1 : 0)
                .Add(collateral.PckCrl is { } p ? p.RawData.Span : default).Add(collateral.RootCaCrl is { } r ? r.RawData.Span : default);
            key = k.Finish();
        }

        if (_pckMemo.TryGet(key, at, out var hit))
        {
            return hit!.Value;
        }

        var presented = ReadPckChain(quote);
        RequireCn(presented[0], PckLeafCn, "PCK certificate");
        _ = CaType(presented[0]);
        RequireCn(presented[1], presented[1].GetNameInfo(X509NameType.SimpleName, false) == ProcessorCaCn ? ProcessorCaCn : PlatformCaCn, "PCK intermediate CA");
        var crls = new List<CertificateRevocationList>();
        if (collateral.PckCrl is { } pckCrl)
        {
            crls.Add(pckCrl);
        }

        if (collateral.RootCaCrl is { } rootCrl)
        {
            crls.Add(rootCrl);
        }

        var chain = CertificateChainVerifier.Verify(presented, new CertificateChainPolicy
        {
            TrustedRoots = Options.TrustedRoots,
            VerificationTime = at,
            RevocationLists = crls,
            RequireRevocationLists = requireCrls,
        });
        TdxQuoteSignatures.VerifyQeReportSignature(quote, chain.Leaf);
        var pck = PckCertificateExtensions.Read(chain.Leaf);
        var (from, until) = Window(chain.Certificates, crls, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        _pckMemo.Add(key, new StrongBox<(VerifiedCertificateChain, PckCertificateExtensions)>((chain, pck)), from, until);
        return (chain, pck);
    }

    private void VerifyCollateral(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature, IReadOnlyList<X509Certificate2> chain, CertificateRevocationList? rootCrl,
        TimeSpan grace, DateTimeOffset at, DateTimeOffset issueDate, DateTimeOffset nextUpdate, Action verify)
    {
        string key;
        using (var k = new MemoKey())
        {
            k.Add(signed).Add(signature).Add(grace.Ticks).Add(rootCrl is { } r ? r.RawData.Span : default);
            foreach (var c in chain)
            {
                k.Add(c.RawDataMemory.Span);
            }

            key = k.Finish();
        }

        if (_collateralMemo.TryGet(key, at, out _))
        {
            return;
        }

        verify();
        var until = nextUpdate + grace;
        var (from, to) = Window(chain, rootCrl is null ? [] : [rootCrl], issueDate, until);
        _collateralMemo.Add(key, key, from, to);
    }

    private static (DateTimeOffset From, DateTimeOffset Until) Window(IEnumerable<X509Certificate2> certs, IEnumerable<CertificateRevocationList> crls,
        DateTimeOffset from, DateTimeOffset until)
    {
        foreach (var c in certs)
        {
            from = Max(from, new DateTimeOffset(c.NotBefore.ToUniversalTime()));
            until = Min(until, new DateTimeOffset(c.NotAfter.ToUniversalTime()));
        }

        foreach (var crl in crls)
        {
            from = Max(from, crl.ThisUpdate);
            if (crl.NextUpdate is { } next)
            {
                until = Min(until, next);
            }
        }

        return (from, until);

        static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
        static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    }

    private static void AddGraceWarning(List<string> warnings, string what, DateTimeOffset nextUpdate, DateTimeOffset at)
    {
        if (at > nextUpdate)
        {
            warnings.Add($"{what} is past its nextUpdate {CertificateRevocationList.Format(nextUpdate)}; accepted within the collateral grace period");
        }
    }

    private static PckCaType CaType(X509Certificate2 leaf)
    {
        var issuerCn = leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: true);
        return issuerCn switch
        {
            PlatformCaCn => PckCaType.Platform,
            ProcessorCaCn => PckCaType.Processor,
            _ => throw new CertificateChainException(
                $"PCK certificate issuer CN expected \"{PlatformCaCn}\" or \"{ProcessorCaCn}\", got \"{issuerCn}\""),
        };
    }

    private static void RequireCn(X509Certificate2 cert, string cn, string what)
    {
        var actual = cert.GetNameInfo(X509NameType.SimpleName, false);
        if (!string.Equals(actual, cn, StringComparison.Ordinal))
        {
            throw new CertificateChainException($"{what}: subject CN expected \"{cn}\", got \"{actual}\"");
        }
    }
}
