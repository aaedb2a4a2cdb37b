using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Tdx;

/// <summary>Reads the files and values the tdx-quote commands take; failures are "unusable input" (exit 2).</summary>
internal static class TdxQuoteInput
{
    // Every name TdxCollateral.LoadDirectoryAsync reads (the CRLs also as .pem).
    private static readonly (string Name, InputCap Cap)[] CollateralFiles =
    [
        (TdxCollateral.TcbInfoFile, InputCap.TdxCollateralJson),
        (TdxCollateral.QeIdentityFile, InputCap.TdxCollateralJson),
        (TdxCollateral.TcbInfoIssuerChainFile, InputCap.CertificateChain),
        (TdxCollateral.QeIdentityIssuerChainFile, InputCap.CertificateChain),
        (TdxCollateral.PckCrlFile, InputCap.Crl),
        (TdxCollateral.RootCaCrlFile, InputCap.Crl),
        ("pck-crl.pem", InputCap.Crl),
        ("root-ca-crl.pem", InputCap.Crl),
    ];

    /// <summary>Reads a quote; bytes after the quote are tolerated (go-tdx-guest does) and reported by the caller.</summary>
    public static TdxQuote ReadQuote(FileInfo file) =>
        EvidenceInput.ReadFile(file, "quote", InputCap.TdxQuote, bytes => TdxQuote.Parse(bytes, TdxQuoteParseOptions.Lenient));

    public static async Task<TdxCollateral> ReadCollateralAsync(DirectoryInfo dir, CancellationToken cancellationToken)
    {
        if (!dir.Exists)
        {
            throw new UnusableInputException($"collateral directory not found: {dir.FullName}");
        }

        // The library reads the directory; make sure first that each file there is one InputFile would read.
        foreach (var (name, cap) in CollateralFiles)
        {
            InputFile.CheckIfPresent(Path.Combine(dir.FullName, name), "collateral", cap);
        }

        try
        {
            return await TdxCollateral.LoadDirectoryAsync(dir.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"collateral in {dir.FullName} is malformed: {ex.Message}");
        }
    }

    public static DateTimeOffset ParseTime(string? text, TimeProvider time) => EvidenceInput.ParseTime(text) ?? time.GetUtcNow();
}
