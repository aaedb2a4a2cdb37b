using System;
using System.Collections.Generic;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// The facts <see cref="TdxQuoteVerifier"/> established about a quote whose signatures, QE binding, PCK chain and (unless
/// signatures only) collateral signatures verified. Nothing here is policy: <see cref="Validate.TdxQuoteValidator"/>
/// decides whether the facts are acceptable.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TdxQuoteVerificationResult
{
    internal TdxQuoteVerificationResult(TdxQuote quote, DateTimeOffset verificationTime, VerifiedCertificateChain pckChain, PckCertificateExtensions pck,
        TdxTcbInfo? tcbInfo, TdxQeIdentity? qeIdentity, TdxTcbEvaluation? tcb, TdxModuleTcbLevel? qeLevel,
        IReadOnlyList<PolicyViolation> tcbInfoMismatches, IReadOnlyList<PolicyViolation> qeIdentityMismatches, IReadOnlyList<string> warnings)
    {
        Quote = quote;
        VerificationTime = verificationTime;
        PckChain = pckChain;
        Pck = pck;
        TcbInfo = tcbInfo;
        QeIdentity = qeIdentity;
        Tcb = tcb;
        QeTcbLevel = qeLevel;
        TcbInfoMismatches = tcbInfoMismatches;
        QeIdentityMismatches = qeIdentityMismatches;
        Warnings = warnings;
    }

    /// <summary>Gets the quote.</summary>
    public TdxQuote Quote { get; }

    /// <summary>Gets the time at which certificates, CRLs and collateral were judged (and grace periods are measured).</summary>
    public DateTimeOffset VerificationTime { get; }

    /// <summary>Gets the verified PCK chain (leaf, intermediate, pinned root); whether CRLs were checked is on the chain.</summary>
    public VerifiedCertificateChain PckChain { get; }

    /// <summary>Gets the PCK certificate's SGX extension.</summary>
    public PckCertificateExtensions Pck { get; }

    /// <summary>Gets the TCB info whose signature, issuer chain and freshness verified, or <see langword="null"/> in signatures-only mode.</summary>
    public TdxTcbInfo? TcbInfo { get; }

    /// <summary>Gets the QE identity whose signature, issuer chain and freshness verified, or <see langword="null"/> in signatures-only mode.</summary>
    public TdxQeIdentity? QeIdentity { get; }

    /// <summary>
    /// Gets the TCB evaluation against <see cref="TcbInfo"/> (matched levels, combined status, advisories, out-of-date date),
    /// or <see langword="null"/> in signatures-only mode. It describes this platform only when <see cref="TcbInfoMismatches"/> is empty.
    /// </summary>
    public TdxTcbEvaluation? Tcb { get; }

    /// <summary>Gets a value indicating whether TCB info and QE identity were verified and evaluated.</summary>
    public bool TcbEvaluated => Tcb is not null;

    /// <summary>
    /// Gets the first QE identity TCB level whose ISV SVN is at most the QE report's, or <see langword="null"/> when none is
    /// or in signatures-only mode.
    /// </summary>
    public TdxModuleTcbLevel? QeTcbLevel { get; }

    /// <summary>
    /// Gets where the verified TCB info does not describe this quote: its FMSPC and PCE-ID against the PCK certificate, and
    /// MRSIGNERSEAM/SEAMATTRIBUTES against <c>tdxModule</c> and the TDX module identity TEE_TCB_SVN[1] selects. Empty when it
    /// does (or in signatures-only mode); <see cref="Validate.TdxQuoteValidator"/> rejects every entry under any policy.
    /// </summary>
    public IReadOnlyList<PolicyViolation> TcbInfoMismatches { get; }

    /// <summary>
    /// Gets where the QE report is not the quoting enclave the verified QE identity describes (MISCSELECT and attributes
    /// under their masks, MRSIGNER, ISVPRODID). Empty when it is (or in signatures-only mode); every entry is rejected under any policy.
    /// </summary>
    public IReadOnlyList<PolicyViolation> QeIdentityMismatches { get; }

    /// <summary>Gets non-fatal findings of the verification (collateral accepted within <see cref="TdxVerificationOptions.CollateralGracePeriod"/>).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
