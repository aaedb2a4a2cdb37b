using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>Reads the files and values the snp-report commands take; failures are "unusable input".</summary>
internal static class SnpReportInput
{
    public static SnpReport ReadReport(FileInfo file) =>
        EvidenceInput.ReadFile(file, "report", InputCap.SnpReport, bytes => SnpReport.Parse(bytes));

    public static X509Certificate2 ReadCertificate(FileInfo file, string what) =>
        Read(file, what, InputCap.Certificate, " is not a PEM or DER certificate", bytes => X509CertificateLoader.LoadCertificate(bytes));

    public static X509Certificate2 ReadIntermediate(FileInfo file)
    {
        var pem = InputFile.ReadText(file.FullName, "chain", InputCap.CertificateChain);
        try
        {
            return SnpEvidenceCertificates.IntermediateFromChain(pem);
        }
        catch (CertificateChainException ex)
        {
            throw new UnusableInputException($"{file.Name}: {ex.Message}");
        }
    }

    public static SnpRevocationList ReadRevocationList(FileInfo file) =>
        Read(file, "--crl", InputCap.Crl, " is not a CRL", bytes => SnpRevocationList.Parse(bytes));

    public static DateTimeOffset? ParseTime(string? text) => EvidenceInput.ParseTime(text);

    public static Uri? ParseKdsUrl(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.AbsolutePath.EndsWith('/')
            ? uri
            : throw new UnusableInputException($"--kds-url \"{text}\" is not an absolute http(s) URL ending with '/'");
    }

    public static SnpProductLine? ParseProduct(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return SnpProductLines.TryParse(text, out var line) ? line : throw new UnusableInputException($"--product \"{text}\" is not Milan, Genoa or Turin");
    }

    // A parser's rejection becomes one line naming the file (certificate and CRL parsers throw CryptographicException
    // or AttestationFormatException); the bounded reader already turns a missing or unusable file into one.
    private static T Read<T>(FileInfo file, string role, InputCap cap, string notWhat, Func<byte[], T> parse)
    {
        var bytes = InputFile.ReadBytes(file.FullName, role, cap);
        try
        {
            return parse(bytes);
        }
        catch (Exception ex) when (ex is CryptographicException or CertificateChainException or AttestationFormatException)
        {
            throw new UnusableInputException($"{file.Name}{notWhat}: {ex.Message}");
        }
    }
}
