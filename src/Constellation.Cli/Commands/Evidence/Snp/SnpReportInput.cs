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
        EvidenceInput.ReadFile(file, "report", InputCap.SnpReport, bytes => SnpReport.Parse(bytes));

    public static X509Certificate2 ReadCertificate(FileInfo file, string what)
    {
        var bytes = InputFile.ReadBytes(file.FullName, what, InputCap.Certificate);
        try
        {
            return X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException ex)
        {
            throw new UnusableInputException($"{file.Name} is not a PEM or DER certificate: {ex.Message}");
        }
    }

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

    public static DateTimeOffset? ParseTime(string? text) => EvidenceInput.ParseTime(text);

    public static SnpProductLine? ParseProduct(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return SnpProductLines.TryParse(text, out var line) ? line : throw new UnusableInputException($"--product \"{text}\" is not Milan, Genoa or Turin");
    }
}
