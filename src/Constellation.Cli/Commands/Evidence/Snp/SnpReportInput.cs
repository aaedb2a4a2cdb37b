using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Snp;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>Reads the files and values the snp-report commands take; failures are "unusable input".</summary>
internal static class SnpReportInput
{
    public static SnpReport ReadReport(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new UnusableInputException($"report file not found: {file.FullName}");
        }

        try
        {
            return SnpReport.Parse(File.ReadAllBytes(file.FullName));
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"{file.Name} is not an SEV-SNP report: {ex.Message}");
        }
    }

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

    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new UnusableInputException($"--at \"{text}\" is not an RFC 3339 time (e.g. 2026-01-01T00:00:00Z)");
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

/// <summary>Input the command cannot work with (exit code 2).</summary>
internal sealed class UnusableInputException(string message) : Exception(message);
