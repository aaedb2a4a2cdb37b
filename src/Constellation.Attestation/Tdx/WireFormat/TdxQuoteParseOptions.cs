namespace Constellation.Attestation.Tdx.WireFormat;

/// <summary>Options for <see cref="TdxQuote.Parse(System.ReadOnlySpan{byte}, TdxQuoteParseOptions)"/>. Immutable.</summary>
public sealed class TdxQuoteParseOptions
{
    /// <summary>Gets the strict default: no trailing bytes.</summary>
    public static TdxQuoteParseOptions Strict { get; } = new();

    /// <summary>Gets options that accept (and report via <see cref="TdxQuote.TrailingByteCount"/>) bytes after the quote, as go-tdx-guest does.</summary>
    public static TdxQuoteParseOptions Lenient { get; } = new() { AllowTrailingBytes = true };

    /// <summary>Gets a value indicating whether bytes after the signature data are tolerated. They are never signed.</summary>
    public bool AllowTrailingBytes { get; init; }
}
