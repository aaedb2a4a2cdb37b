using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>Trust anchors for <see cref="TdxQuoteVerifier"/>. Immutable.</summary>
public sealed class TdxVerifierOptions
{
    /// <summary>Gets the pinned roots for the PCK chain and the collateral signing chains (default: <see cref="IntelSgxRootCa"/>).</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots { get; init; } = [IntelSgxRootCa.Create()];
}
