using System.Collections.Generic;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>The facts established about an accepted TDX quote. Immutable.</summary>
public sealed class TdxQuoteVerification
{
    internal TdxQuoteVerification(TdxQuote quote, VerifiedCertificateChain pckChain, PckCertificateExtensions pck,
        TdxTcbEvaluation? tcb, TdxModuleTcbLevel? qeLevel, IReadOnlyList<string> warnings)
    {
        Quote = quote;
        PckChain = pckChain;
        Pck = pck;
        Tcb = tcb;
        QeTcbLevel = qeLevel;
        Warnings = warnings;
    }

    /// <summary>Gets the quote.</summary>
    public TdxQuote Quote { get; }

    /// <summary>Gets the verified PCK chain (leaf, intermediate, pinned root).</summary>
    public VerifiedCertificateChain PckChain { get; }

    /// <summary>Gets the PCK certificate's SGX extension.</summary>
    public PckCertificateExtensions Pck { get; }

    /// <summary>Gets the TCB evaluation, or <see langword="null"/> in signatures-only mode.</summary>
    public TdxTcbEvaluation? Tcb { get; }

    /// <summary>Gets a value indicating whether TCB info and QE identity were evaluated.</summary>
    public bool TcbEvaluated => Tcb is not null;

    /// <summary>Gets the matched QE identity TCB level, or <see langword="null"/> in signatures-only mode.</summary>
    public TdxModuleTcbLevel? QeTcbLevel { get; }

    /// <summary>Gets non-fatal findings (e.g. an out-of-date level accepted in its grace period).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
