using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// How <see cref="TdxQuoteVerifier"/> establishes the facts about a quote: the trust anchors, the time, which collateral
/// is required (TCB info and QE identity, CRLs), how stale collateral may be, and where collateral comes from.
/// </summary>
/// <remarks>Immutable once constructed; safe to share. What the facts must then satisfy is
/// <see cref="Validate.TdxValidationOptions"/>.</remarks>
public sealed class TdxVerificationOptions
{
    /// <summary>Gets the pinned roots for the PCK chain and the collateral signing chains (default: <see cref="IntelSgxRootCa"/>).</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots { get; init; } = [IntelSgxRootCa.Create()];

    /// <summary>
    /// Gets a value indicating whether TCB info and QE identity are required, verified and evaluated (default true).
    /// False is the "signatures only" mode: quote, QE report and PCK chain are checked, the TCB is not evaluated.
    /// </summary>
    public bool RequireTcbEvaluation { get; init; } = true;

    /// <summary>Gets a value indicating whether the PCK and root CA CRLs must be supplied (default true).</summary>
    public bool RequireRevocationLists { get; init; } = true;

    /// <summary>Gets how long TCB info and QE identity are accepted past their nextUpdate (default zero).</summary>
    public TimeSpan CollateralGracePeriod { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Gets where <see cref="TdxQuoteVerifier.VerifyAsync"/> fetches collateral (e.g. <see cref="IntelPcsClient"/>), or
    /// <see langword="null"/> when collateral is always passed in. Not consulted when neither TCB evaluation nor CRLs are required.
    /// </summary>
    public ITdxCollateralSource? CollateralSource { get; init; }

    /// <summary>Gets the time at which certificates, CRLs, collateral and grace periods are judged; <see langword="null"/> = now from <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? VerificationTime { get; init; }

    /// <summary>Gets the clock used when <see cref="VerificationTime"/> is not set. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the default options: Intel SGX Root CA, TCB evaluation and CRLs required, no collateral grace, current time.</summary>
    public static TdxVerificationOptions Default { get; } = new();

    /// <summary>Gets options that check the signatures, the QE binding and the PCK chain only (no TCB evaluation, CRLs checked only when given).</summary>
    public static TdxVerificationOptions SignaturesOnly { get; } = new() { RequireTcbEvaluation = false, RequireRevocationLists = false };

    /// <summary>Gets a value indicating whether a verification needs collateral at all (TCB evaluation or CRLs required).</summary>
    internal bool RequiresCollateral => RequireTcbEvaluation || RequireRevocationLists;

    internal DateTimeOffset Now => VerificationTime ?? TimeProvider.GetUtcNow();
}
