using System;
using System.Collections.Immutable;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// The config of azure-tdx: measurements, minimum QE/PCE/TEE TCB SVNs, QE vendor ID, MRSEAM, XFAM and the Intel root.
/// </summary>
public sealed class AzureTdxAttestationConfig : AttestationConfig
{
    /// <summary>Length of <c>teeTCBSVN</c>.</summary>
    public const int TeeTcbSvnLength = 16;

    /// <summary>Length of <c>qeVendorID</c>.</summary>
    public const int QeVendorIdLength = 16;

    /// <summary>Length of <c>mrSeam</c>.</summary>
    public const int MrSeamLength = 48;

    /// <summary>Length of <c>xfam</c>.</summary>
    public const int XfamLength = 8;

    /// <summary>Creates the config.</summary>
    /// <param name="measurements">The expected vTPM measurements (32-byte values).</param>
    /// <param name="qeSvn">Minimum QE SVN.</param>
    /// <param name="pceSvn">Minimum PCE SVN.</param>
    /// <param name="teeTcbSvn">Minimum TEE TCB SVN (16 bytes), latest or unset.</param>
    /// <param name="qeVendorId">Expected QE vendor ID (16 bytes), latest or unset.</param>
    /// <param name="mrSeam">Expected MRSEAM (48 bytes) or empty for none.</param>
    /// <param name="xfam">Expected XFAM (8 bytes), latest, or unset (no check).</param>
    /// <param name="intelRootKey">The pinned Intel SGX root, or <see langword="null"/>.</param>
    /// <exception cref="AttestationFormatException">A value has the wrong length.</exception>
    public AzureTdxAttestationConfig(
        MeasurementSet measurements,
        AttestationVersion qeSvn,
        AttestationVersion pceSvn,
        HexAttestationVersion teeTcbSvn,
        HexAttestationVersion qeVendorId,
        ReadOnlySpan<byte> mrSeam,
        HexAttestationVersion xfam,
        PemCertificate? intelRootKey)
        : base(AzureTdxVariant.Instance, measurements)
    {
        QeSvn = qeSvn;
        PceSvn = pceSvn;
        TeeTcbSvn = CheckLength("teeTCBSVN", teeTcbSvn ?? throw new ArgumentNullException(nameof(teeTcbSvn)), TeeTcbSvnLength);
        QeVendorId = CheckLength("qeVendorID", qeVendorId ?? throw new ArgumentNullException(nameof(qeVendorId)), QeVendorIdLength);
        Xfam = CheckLength("xfam", xfam ?? throw new ArgumentNullException(nameof(xfam)), XfamLength);
        if (!mrSeam.IsEmpty && mrSeam.Length != MrSeamLength)
        {
            throw new AttestationFormatException($"mrSeam: expected {MrSeamLength} bytes, got {mrSeam.Length}");
        }

        MrSeam = mrSeam.ToArray().ToImmutableArray();
        IntelRootKey = intelRootKey;
    }

    /// <summary>Gets the minimum QE SVN.</summary>
    public AttestationVersion QeSvn { get; }

    /// <summary>Gets the minimum PCE SVN.</summary>
    public AttestationVersion PceSvn { get; }

    /// <summary>Gets the minimum TEE TCB SVN.</summary>
    public HexAttestationVersion TeeTcbSvn { get; }

    /// <summary>Gets the expected QE vendor ID.</summary>
    public HexAttestationVersion QeVendorId { get; }

    /// <summary>Gets the expected MRSEAM, or empty.</summary>
    public ImmutableArray<byte> MrSeam { get; }

    /// <summary>Gets the expected XFAM.</summary>
    public HexAttestationVersion Xfam { get; }

    /// <summary>Gets the pinned Intel root, or <see langword="null"/>.</summary>
    public PemCertificate? IntelRootKey { get; }

    /// <inheritdoc />
    public override AttestationConfig WithMeasurements(MeasurementSet measurements) =>
        new AzureTdxAttestationConfig(measurements, QeSvn, PceSvn, TeeTcbSvn, QeVendorId, MrSeam.AsSpan(), Xfam, IntelRootKey);

    /// <inheritdoc />
    public override bool Equals(AttestationConfig? other) =>
        base.Equals(other) && other is AzureTdxAttestationConfig tdx
        && QeSvn == tdx.QeSvn && PceSvn == tdx.PceSvn && TeeTcbSvn.Equals(tdx.TeeTcbSvn)
        && QeVendorId.Equals(tdx.QeVendorId) && MrSeam.AsSpan().SequenceEqual(tdx.MrSeam.AsSpan())
        && Xfam.Equals(tdx.Xfam) && Equals(IntelRootKey, tdx.IntelRootKey);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), QeSvn, PceSvn, TeeTcbSvn, QeVendorId, Xfam);

    private static HexAttestationVersion CheckLength(string field, HexAttestationVersion value, int length) =>
        value.IsLatest || value.IsUnset || value.Value.Length == length
            ? value
            : throw new AttestationFormatException($"{field}: expected {length} bytes ({length * 2} hex digits), got {value.Value.Length} bytes");
}
