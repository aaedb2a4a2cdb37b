using System.Globalization;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Validate;

/// <summary>TCB components as a policy states them, independent of any product's byte layout.</summary>
/// <param name="Bootloader">Boot loader SPL.</param>
/// <param name="Tee">TEE SPL.</param>
/// <param name="Snp">SNP firmware SPL.</param>
/// <param name="Microcode">Microcode SPL.</param>
/// <param name="Fmc">FMC SPL (Turin only).</param>
public sealed record SnpTcbParts(byte Bootloader, byte Tee, byte Snp, byte Microcode, byte Fmc = 0)
{
    /// <summary>Gets the components of a decoded TCB.</summary>
    /// <param name="tcb">The TCB.</param>
    /// <returns>The components.</returns>
    public static SnpTcbParts From(SnpTcbVersion tcb) => new(tcb.Bootloader, tcb.Tee, tcb.Snp, tcb.Microcode, tcb.Fmc);

    /// <summary>Lists the components of <paramref name="tcb"/> below this minimum.</summary>
    /// <param name="tcb">The TCB to check.</param>
    /// <returns>Each component name with required and actual value.</returns>
    internal (string Name, byte Minimum, byte Actual)[] Shortfalls(SnpTcbVersion tcb)
    {
        var all = new (string, byte, byte)[]
        {
            ("fmc", Fmc, tcb.Fmc), ("bootloader", Bootloader, tcb.Bootloader), ("tee", Tee, tcb.Tee), ("snp", Snp, tcb.Snp), ("microcode", Microcode, tcb.Microcode),
        };
        return System.Array.FindAll(all, c => c.Item3 < c.Item2);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"bl={Bootloader} tee={Tee} snp={Snp} ucode={Microcode}{(Fmc != 0 ? $" fmc={Fmc}" : string.Empty)}");
}
