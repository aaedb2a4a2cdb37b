using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation;
using Constellation.Attestation.Snp;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>Reads the files and values the snp-report commands take; failures are "unusable input".</summary>
internal static class SnpReportInput
{
    public static SnpReport ReadReport(FileInfo file) =>
        EvidenceInput.ReadFile(file, "report", "an SEV-SNP report", bytes => SnpReport.Parse(bytes));

    public static X509Certificate2 ReadCertificate(FileInfo file, string what) =>
        Read(file, what, " is not a PEM or DER certificate", bytes => X509CertificateLoader.LoadCertificate(bytes));

    public static X509Certificate2 ReadIntermediate(FileInfo file) =>
        Read(file, "chain", string.Empty, bytes => SnpEvidenceCertificates.IntermediateFromChain(Encoding.UTF8.GetString(bytes)));

    public static SnpRevocationList ReadRevocationList(FileInfo file) =>
        Read(file, "CRL", " is not a CRL", bytes => SnpRevocationList.Parse(bytes));

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

    // A missing file and a parser's rejection each become one line naming the file (certificate and chain parsers
    // throw CryptographicException or CertificateChainException rather than AttestationFormatException).
    private static T Read<T>(FileInfo file, string role, string notWhat, Func<byte[], T> parse)
    {
        if (!file.Exists)
        {
            throw new UnusableInputException($"{role} file not found: {file.FullName}");
        }

        try
        {
            return parse(File.ReadAllBytes(file.FullName));
        }
        catch (Exception ex) when (ex is CryptographicException or CertificateChainException)
        {
            throw new UnusableInputException($"{file.Name}{notWhat}: {ex.Message}");
        }
    }
}
