using System.Globalization;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>The guest policy (u64 at 0x008) the guest was launched with.</summary>
/// <param name="Raw">The raw value.</param>
public readonly record struct SnpGuestPolicy(ulong Raw)
{
    /// <summary>The bit that must always be set (bit 17).</summary>
    public const ulong ReservedMustBeOne = 1UL << 17;

    /// <summary>Bits 63:26, which must be zero.</summary>
    public const ulong ReservedMustBeZero = ~((1UL << 26) - 1);

    /// <summary>Gets the minimum firmware ABI minor version.</summary>
    public byte AbiMinor => (byte)Raw;

    /// <summary>Gets the minimum firmware ABI major version.</summary>
    public byte AbiMajor => (byte)(Raw >> 8);

    /// <summary>Gets a value indicating whether SMT is allowed.</summary>
    public bool SmtAllowed => Bit(16);

    /// <summary>Gets a value indicating whether a migration agent may be associated.</summary>
    public bool MigrateMaAllowed => Bit(18);

    /// <summary>Gets a value indicating whether debugging is allowed (never acceptable in production).</summary>
    public bool DebugAllowed => Bit(19);

    /// <summary>Gets a value indicating whether the guest requires a single socket.</summary>
    public bool SingleSocketRequired => Bit(20);

    /// <summary>Gets a value indicating whether CXL memory is allowed.</summary>
    public bool CxlAllowed => Bit(21);

    /// <summary>Gets a value indicating whether AES-256-XTS memory encryption is required.</summary>
    public bool MemAes256XtsRequired => Bit(22);

    /// <summary>Gets a value indicating whether RAPL must be disabled.</summary>
    public bool RaplDisableRequired => Bit(23);

    /// <summary>Gets a value indicating whether ciphertext hiding is required.</summary>
    public bool CiphertextHidingRequired => Bit(24);

    /// <summary>Gets a value indicating whether page swapping is disabled.</summary>
    public bool PageSwapDisabled => Bit(25);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"0x{Raw:x}");

    private bool Bit(int index) => (Raw & (1UL << index)) != 0;
}
