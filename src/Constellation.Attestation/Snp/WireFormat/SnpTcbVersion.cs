using System;
using System.Globalization;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>
/// A TCB_VERSION: the security patch levels of the SNP firmware components, decoded with the layout of a
/// product line (Milan/Genoa: boot loader byte 0, TEE 1, SNP 6, microcode 7; Turin: FMC 0, boot loader 1,
/// TEE 2, SNP 3, microcode 7).
/// </summary>
/// <remarks>Immutable. TCBs compare component-wise (<see cref="IsAtLeast"/>), never as integers.</remarks>
public readonly record struct SnpTcbVersion
{
    /// <summary>Creates a TCB from its raw little-endian u64 and the product line whose layout applies.</summary>
    /// <param name="raw">The raw value as stored in the report.</param>
    /// <param name="productLine">The product line.</param>
    public SnpTcbVersion(ulong raw, SnpProductLine productLine)
    {
        Raw = raw;
        ProductLine = productLine;
    }

    /// <summary>Gets the raw u64.</summary>
    public ulong Raw { get; }

    /// <summary>Gets the product line whose layout decodes <see cref="Raw"/>.</summary>
    public SnpProductLine ProductLine { get; }

    /// <summary>Gets a value indicating whether the Turin layout applies.</summary>
    public bool IsTurinLayout => ProductLine == SnpProductLine.Turin;

    /// <summary>Gets the FMC SPL (Turin only; 0 otherwise).</summary>
    public byte Fmc => IsTurinLayout ? Byte(0) : (byte)0;

    /// <summary>Gets the boot loader SPL.</summary>
    public byte Bootloader => IsTurinLayout ? Byte(1) : Byte(0);

    /// <summary>Gets the TEE (PSP OS) SPL.</summary>
    public byte Tee => IsTurinLayout ? Byte(2) : Byte(1);

    /// <summary>Gets the SNP firmware SPL.</summary>
    public byte Snp => IsTurinLayout ? Byte(3) : Byte(6);

    /// <summary>Gets the microcode SPL.</summary>
    public byte Microcode => Byte(7);

    /// <summary>Creates a TCB from components in the layout of <paramref name="productLine"/>.</summary>
    /// <param name="productLine">The product line.</param>
    /// <param name="bootloader">Boot loader SPL.</param>
    /// <param name="tee">TEE SPL.</param>
    /// <param name="snp">SNP SPL.</param>
    /// <param name="microcode">Microcode SPL.</param>
    /// <param name="fmc">FMC SPL (Turin only; must be 0 otherwise).</param>
    /// <returns>The TCB.</returns>
    public static SnpTcbVersion FromComponents(SnpProductLine productLine, byte bootloader, byte tee, byte snp, byte microcode, byte fmc = 0)
    {
        ulong raw;
        if (productLine == SnpProductLine.Turin)
        {
            raw = fmc | ((ulong)bootloader << 8) | ((ulong)tee << 16) | ((ulong)snp << 24) | ((ulong)microcode << 56);
        }
        else
        {
            if (fmc != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(fmc), fmc, "only Turin has an FMC SPL");
            }

            raw = bootloader | ((ulong)tee << 8) | ((ulong)snp << 48) | ((ulong)microcode << 56);
        }

        return new SnpTcbVersion(raw, productLine);
    }

    /// <summary>Tells whether every component is at least the corresponding component of <paramref name="minimum"/>.</summary>
    /// <param name="minimum">The minimum TCB (same layout).</param>
    /// <returns><see langword="true"/> if no component is below the minimum.</returns>
    public bool IsAtLeast(SnpTcbVersion minimum) =>
        Fmc >= minimum.Fmc && Bootloader >= minimum.Bootloader && Tee >= minimum.Tee && Snp >= minimum.Snp && Microcode >= minimum.Microcode;

    /// <inheritdoc />
    public override string ToString() => IsTurinLayout
        ? string.Create(CultureInfo.InvariantCulture, $"fmc={Fmc} bl={Bootloader} tee={Tee} snp={Snp} ucode={Microcode} (0x{Raw:x16})")
        : string.Create(CultureInfo.InvariantCulture, $"bl={Bootloader} tee={Tee} snp={Snp} ucode={Microcode} (0x{Raw:x16})");

    private byte Byte(int index) => (byte)(Raw >> (8 * index));
}
