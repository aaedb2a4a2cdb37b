using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// Maps an <c>azureTDX</c> config to the quote policy and verification options (spec tdx.md §3.3): qeSVN, pceSVN, teeTCBSVN,
/// qeVendorID, mrSeam and xfam become <see cref="TdxValidationOptions"/> minimums/expectations on top of the default policy
/// (only UpToDate, debug TDs forbidden); intelRootKey replaces the built-in Intel SGX Root CA in the
/// <see cref="TdxVerificationOptions"/> (TCB evaluation and CRLs required).
/// </summary>
public static class AzureTdxPolicy
{
    /// <summary>Builds the quote policy.</summary>
    /// <param name="config">The config; "latest" values must have been resolved to numbers already.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">A value is still "latest" (upstream resolves it from the config API before use).</exception>
    public static TdxValidationOptions CreateValidationOptions(AzureTdxAttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var latest = new List<string>();
        if (config.QeSvn.IsLatest)
        {
            latest.Add("qeSVN");
        }

        if (config.PceSvn.IsLatest)
        {
            latest.Add("pceSVN");
        }

        foreach (var (name, value) in new[] { ("teeTCBSVN", config.TeeTcbSvn), ("qeVendorID", config.QeVendorId), ("xfam", config.Xfam) })
        {
            if (value.IsLatest)
            {
                latest.Add(name);
            }
        }

        if (latest.Count > 0)
        {
            throw new AttestationFormatException(
                $"azure-tdx config: {string.Join(", ", latest)} still \"latest\"; resolve them to concrete values (constellation config fetch-measurements / the attestation-config API) before validating");
        }

        return new TdxValidationOptions
        {
            MinimumQeSvn = config.QeSvn.Value,
            MinimumPceSvn = config.PceSvn.Value,
            MinimumTeeTcbSvn = Optional(config.TeeTcbSvn),
            QeVendorId = Optional(config.QeVendorId),
            MrSeam = config.MrSeam.IsEmpty ? (ReadOnlyMemory<byte>?)null : config.MrSeam.AsMemory(),
            Xfam = Optional(config.Xfam),
        };
    }

    /// <summary>
    /// Builds the verification options: the config's <c>intelRootKey</c> (or the built-in Intel SGX Root CA when unset),
    /// TCB evaluation and CRLs required, collateral from <paramref name="collateral"/>.
    /// </summary>
    /// <param name="config">The config.</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from.</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <returns>The verification options.</returns>
    public static TdxVerificationOptions CreateVerificationOptions(AzureTdxAttestationConfig config, ITdxCollateralSource collateral, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(collateral);
        var time = timeProvider ?? TimeProvider.System;
        return config.IntelRootKey is { } root
            ? new TdxVerificationOptions { TrustedRoots = new X509Certificate2[] { root.ToX509Certificate() }, CollateralSource = collateral, TimeProvider = time }
            : new TdxVerificationOptions { CollateralSource = collateral, TimeProvider = time };
    }

    // An explicit nullable: a bare null would convert to an empty ReadOnlyMemory (via byte[]) and demand a 0-byte value.
    private static ReadOnlyMemory<byte>? Optional(HexAttestationVersion value) => value.IsUnset ? (ReadOnlyMemory<byte>?)null : value.Value.AsMemory();
}
