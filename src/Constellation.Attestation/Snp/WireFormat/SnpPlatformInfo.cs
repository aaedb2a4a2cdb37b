using System.Globalization;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>The platform info (u64 at 0x040): how the host platform was configured.</summary>
/// <param name="Raw">The raw value.</param>
public readonly record struct SnpPlatformInfo(ulong Raw)
{
    /// <summary>Gets a value indicating whether SMT is enabled.</summary>
    public bool SmtEnabled => Bit(0);

    /// <summary>Gets a value indicating whether TSME is enabled.</summary>
    public bool TsmeEnabled => Bit(1);

    /// <summary>Gets a value indicating whether ECC memory is in use.</summary>
    public bool EccEnabled => Bit(2);

    /// <summary>Gets a value indicating whether RAPL is disabled.</summary>
    public bool RaplDisabled => Bit(3);

    /// <summary>Gets a value indicating whether ciphertext hiding is enabled.</summary>
    public bool CiphertextHidingEnabled => Bit(4);

    /// <summary>Gets a value indicating whether the alias check (BadRAM mitigation) completed.</summary>
    public bool AliasCheckComplete => Bit(5);

    /// <summary>Gets a value indicating whether SEV-TIO is enabled.</summary>
    public bool TioEnabled => Bit(7);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"0x{Raw:x}");

    private bool Bit(int index) => (Raw & (1UL << index)) != 0;
}
