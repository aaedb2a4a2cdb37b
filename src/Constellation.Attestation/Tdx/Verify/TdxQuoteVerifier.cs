using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Verifies a TDX quote end to end: PCK chain to the pinned root with CRLs, quote and QE report signatures, QE report data
/// binding, collateral signatures and freshness, TCB level and QE identity, then the policy, reporting every policy
/// violation at once. Thread-safe. Successful chain and collateral verifications are remembered (bounded) while their exact
/// inputs recur inside their validity windows, so a warm verifier mostly pays for the quote signature.
/// </summary>
public sealed class TdxQuoteVerifier
{
    private const string PckLeafCn = "Intel SGX PCK Certificate";
    private const string PlatformCaCn = "Intel SGX PCK Platform CA";
    private const string ProcessorCaCn = "Intel SGX PCK Processor CA";

    private readonly TdxVerifierOptions options;

    // Successful chain/QE-report and collateral verifications, reused while their inputs are byte-identical and the
    // verification time stays inside every certificate's, CRL's and document's validity window.
    private readonly VerificationMemo<StrongBox<(VerifiedCertificateChain, PckCertificateExtensions)>> pckMemo = new();
    private readonly VerificationMemo<string> collateralMemo = new();

    // Imported attestation keys by exact bytes: importing (and point-validating) costs more than the verification itself.
    private readonly P256KeyPool attestationKeys = new();

    /// <summary>Creates a verifier that trusts the Intel SGX Root CA.</summary>
    public TdxQuoteVerifier()
        : this(new TdxVerifierOptions())
    {
    }

    /// <summary>Creates a verifier with the given trust anchors.</summary>
    /// <param name="options">The options.</param>
    public TdxQuoteVerifier(TdxVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrustedRoots.Count == 0)
        {
            throw new ArgumentException("at least one trusted root is required", nameof(options));
        }

        this.options = options;
    }

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

    /// <summary>Fetches collateral from <paramref name="source"/> and verifies.</summary>
    /// <param name="quote">The quote.</param>
    /// <param name="source">Where collateral comes from.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="at">The verification time.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The verification facts.</returns>
    public async Task<TdxQuoteVerification> VerifyAsync(TdxQuote quote, ITdxCollateralSource source, TdxQuotePolicy policy, DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        var collateral = new TdxCollateral();
        if (policy.RequireTcbEvaluation || policy.RequireRevocationLists)
        {
            var chain = ReadPckChain(quote);
            var fmspc = PckCertificateExtensions.Read(chain[0]).FmspcHex;
            collateral = await source.GetCollateralAsync(fmspc, CaType(chain[0]), cancellationToken).ConfigureAwait(false);
        }

        return Verify(quote, collateral, policy, at);
    }

    /// <summary>Verifies the quote against the given collateral.</summary>
    /// <param name="quote">The quote.</param>
    /// <param name="collateral">TCB info, QE identity and CRLs (parts may be absent in signatures-only mode).</param>
    /// <param name="policy">The policy.</param>
    /// <param name="at">The verification time.</param>
    /// <returns>The verification facts.</returns>
    /// <exception cref="AttestationSignatureException">A quote, QE report or collateral signature fails.</exception>
    /// <exception cref="AttestationBindingException">The QE report does not vouch for the attestation key.</exception>
    /// <exception cref="CertificateChainException">A chain is untrusted or a certificate is revoked.</exception>
    /// <exception cref="AttestationFreshnessException">A certificate, CRL or collateral is out of date.</exception>
    /// <exception cref="CollateralUnavailableException">Required collateral is missing.</exception>
    /// <exception cref="TdxPolicyException">The policy is violated (all violations listed, with the TCB evaluation).</exception>
    public TdxQuoteVerification Verify(TdxQuote quote, TdxCollateral collateral, TdxQuotePolicy policy, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(collateral);
        ArgumentNullException.ThrowIfNull(policy);

        TdxQuoteSignatures.VerifyQuoteSignature(quote, attestationKeys);
        if (policy.RequireRevocationLists && (collateral.PckCrl is null || collateral.RootCaCrl is null))
        {
            throw new CollateralUnavailableException(
                $"revocation lists required but missing: {(collateral.PckCrl is null ? "PCK CRL " : string.Empty)}{(collateral.RootCaCrl is null ? "root CA CRL" : string.Empty)}".Trim());
        }

        var (pckChain, pck) = VerifyPck(quote, collateral, policy.RequireRevocationLists, at);
        TdxQuoteSignatures.VerifyQeReportBinding(quote);

        var violations = new List<PolicyViolation>();
        var warnings = new List<string>();
        TdxTcbEvaluation? tcb = null;
        TdxModuleTcbLevel? qeLevel = null;
        if (policy.RequireTcbEvaluation)
        {
            var tcbInfo = collateral.TcbInfo ?? throw new CollateralUnavailableException("TCB info is missing");
            var tcbChain = collateral.TcbInfoIssuerChain ?? throw new CollateralUnavailableException("TCB info issuer chain is missing");
            var qeIdentity = collateral.QeIdentity ?? throw new CollateralUnavailableException("QE identity is missing");
            var qeChain = collateral.QeIdentityIssuerChain ?? throw new CollateralUnavailableException("QE identity issuer chain is missing");
            VerifyCollateral(tcbInfo.SignedBytes, tcbInfo.Signature, tcbChain, collateral.RootCaCrl, policy.CollateralGracePeriod, at, tcbInfo.IssueDate, tcbInfo.NextUpdate,
                () => TdxCollateralVerifier.VerifyTcbInfo(tcbInfo, tcbChain, options.TrustedRoots, at, collateral.RootCaCrl, policy.CollateralGracePeriod));
            VerifyCollateral(qeIdentity.SignedBytes, qeIdentity.Signature, qeChain, collateral.RootCaCrl, policy.CollateralGracePeriod, at, qeIdentity.IssueDate, qeIdentity.NextUpdate,
                () => TdxCollateralVerifier.VerifyQeIdentity(qeIdentity, qeChain, options.TrustedRoots, at, collateral.RootCaCrl, policy.CollateralGracePeriod));
            AddGraceWarning(warnings, "TCB info", tcbInfo.NextUpdate, at);
            AddGraceWarning(warnings, "QE identity", qeIdentity.NextUpdate, at);

            tcb = TdxTcbChecks.Check(quote, pck, tcbInfo, policy, at, violations, warnings);
            qeLevel = TdxTcbChecks.CheckQeIdentity(quote.QeReport, qeIdentity, policy, violations);
        }

        TdxPolicyChecks.CheckQuote(quote, policy, violations);
        if (violations.Count > 0)
        {
            throw new TdxPolicyException(violations, tcb, qeLevel);
        }

        return new TdxQuoteVerification(quote, pckChain, pck, tcb, qeLevel, warnings);
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

        if (pckMemo.TryGet(key, at, out var hit))
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
            TrustedRoots = options.TrustedRoots,
            VerificationTime = at,
            RevocationLists = crls,
            RequireRevocationLists = requireCrls,
        });
        TdxQuoteSignatures.VerifyQeReportSignature(quote, chain.Leaf);
        var pck = PckCertificateExtensions.Read(chain.Leaf);
        var (from, until) = Window(chain.Certificates, crls, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        pckMemo.Add(key, new StrongBox<(VerifiedCertificateChain, PckCertificateExtensions)>((chain, pck)), from, until);
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

        if (collateralMemo.TryGet(key, at, out _))
        {
            return;
        }

        verify();
        var until = nextUpdate + grace;
        var (from, to) = Window(chain, rootCrl is null ? [] : [rootCrl], issueDate, until);
        collateralMemo.Add(key, key, from, to);
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
