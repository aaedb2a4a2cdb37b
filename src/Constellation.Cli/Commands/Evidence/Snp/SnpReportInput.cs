using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Snp;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>Reads the files and values the snp-report commands take; failures are "unusable input".</summary>
internal static class SnpReportInput
{
    public static SnpReport ReadReport(FileInfo file) =>
        EvidenceInput.ReadFile(file, "report", "an SEV-SNP report", bytes => SnpReport.Parse(bytes));

    public static X509Certificate2 ReadCertificate(FileInfo file, string what)
    {
        if (!file.Exists)
        {
            throw new UnusableInputException($"{what} file not found: {file.FullName}");
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(File.ReadAllBytes(file.FullName));
        }
        catch (CryptographicException ex)
        {
            throw new UnusableInputException($"{file.Name} is not a PEM or DER certificate: {ex.Message}");
        }
    }

    public static X509Certificate2 ReadIntermediate(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new UnusableInputException($"chain file not found: {file.FullName}");
        }

        try
        {
            return SnpEvidenceCertificates.IntermediateFromChain(File.ReadAllText(file.FullName));
        }
        catch (CertificateChainException ex)
        {
            throw new UnusableInputException($"{file.Name}: {ex.Message}");
        }
    }

    public static SnpRevocationList ReadRevocationList(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new UnusableInputException($"CRL file not found: {file.FullName}");
        }

        try
        {
            return SnpRevocationList.Parse(File.ReadAllBytes(file.FullName));
        }
        catch (CertificateChainException ex)
        {
            throw new UnusableInputException($"{file.Name} is not a CRL: {ex.Message}");
        }
    }

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
}
