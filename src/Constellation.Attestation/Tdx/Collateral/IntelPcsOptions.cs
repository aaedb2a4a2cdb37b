using System;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>Endpoints of Intel's Provisioning Certification Service (PCS v4). Immutable.</summary>
public sealed class IntelPcsOptions
{
    /// <summary>Gets the PCS base address (default <c>https://api.trustedservices.intel.com/</c>).</summary>
    public Uri BaseUri { get; init; } = new("https://api.trustedservices.intel.com/");

    /// <summary>Gets the Intel SGX Root CA CRL address (the root certificate's CRL distribution point).</summary>
    public Uri RootCaCrlUri { get; init; } = new("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");
}
