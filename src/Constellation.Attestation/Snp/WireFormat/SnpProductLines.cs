using System;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>Conversions for <see cref="SnpProductLine"/>.</summary>
public static class SnpProductLines
{
    /// <summary>Gets the product line for a CPUID family and model (as carried by v3+ reports).</summary>
    /// <param name="family">Combined CPUID family (e.g. 0x19).</param>
    /// <param name="model">Combined CPUID model (e.g. 0x01).</param>
    /// <param name="line">The product line.</param>
    /// <returns><see langword="true"/> if the pair is a known SEV-SNP product.</returns>
    public static bool TryFromCpuid(byte family, byte model, out SnpProductLine line)
    {
        line = (family, model) switch
        {
            (0x19, 0x01) => SnpProductLine.Milan,
            (0x19, 0x11) => SnpProductLine.Genoa,
            (0x1A, 0x02) => SnpProductLine.Turin,
            _ => 0,
        };
        return line != 0;
    }

    /// <summary>Parses a product name: <c>Milan</c>, <c>Genoa</c>, <c>Turin</c> (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="line">The product line.</param>
    /// <returns><see langword="true"/> if the name is known.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out SnpProductLine line)
    {
        line = name?.ToUpperInvariant() switch
        {
            "MILAN" => SnpProductLine.Milan,
            "GENOA" => SnpProductLine.Genoa,
            "TURIN" => SnpProductLine.Turin,
            _ => 0,
        };
        return line != 0;
    }

    /// <summary>Parses a product name, throwing on unknown names.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The product line.</returns>
    /// <exception cref="AttestationFormatException">The name is not a known product line.</exception>
    public static SnpProductLine Parse(string name) =>
        TryParse(name, out var line) ? line : throw new AttestationFormatException($"unknown SEV-SNP product \"{name}\"; expected Milan, Genoa or Turin");

    /// <summary>Gets the name used in KDS URLs and certificate names (<c>Milan</c>, <c>Genoa</c>, <c>Turin</c>).</summary>
    /// <param name="line">The product line.</param>
    /// <returns>The name.</returns>
    public static string ToKdsName(this SnpProductLine line) => line switch
    {
        SnpProductLine.Milan => "Milan",
        SnpProductLine.Genoa => "Genoa",
        SnpProductLine.Turin => "Turin",
        _ => throw new ArgumentOutOfRangeException(nameof(line), line, "unknown product line"),
    };
}
