using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>
/// <c>constellation evidence inspect snp-report</c> and <c>constellation evidence verify snp-report</c>.
/// Both are <c>snp-report</c> commands to be added under the <c>inspect</c> and <c>verify</c> groups.
/// </summary>
public static class SnpReportCommands
{
    /// <summary>Creates <c>inspect snp-report &lt;file&gt; [--json]</c>.</summary>
    /// <returns>The command.</returns>
    public static Command CreateInspect()
    {
        var file = new Argument<FileInfo>("file") { Description = "The raw SEV-SNP attestation report (1184 bytes)." };
        var json = new Option<bool>("--json") { Description = "Print the fields as a JSON object (byte strings as lowercase hex)." };
        var command = new Command("snp-report", "Show every field of an SEV-SNP attestation report (no verification).") { file, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var report = SnpReportInput.ReadReport(parse.GetValue(file)!);
                output.WriteLine(ToJson(report, indented: !parse.GetValue(json)));
                return ExitCodes.Success;
            }
            catch (UnusableInputException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UnusableInput;
            }
        });
        return command;
    }

    /// <summary>
    /// Creates <c>verify snp-report &lt;file&gt; [--signer &lt;pem|der&gt;] [--chain &lt;pem&gt;] [--crl &lt;der&gt; | --no-revocation-check]
    /// [--product Milan|Genoa|Turin] [--at &lt;RFC3339&gt;] [--offline] [--json]</c>. Revocation is checked by default.
    /// </summary>
    /// <returns>The command.</returns>
    public static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("file") { Description = "The raw SEV-SNP attestation report (1184 bytes)." };
        var signer = new Option<FileInfo>("--signer") { Description = "The VCEK or VLEK (PEM or DER). Without it the VCEK is taken from the cache or fetched from AMD KDS." };
        var chain = new Option<FileInfo>("--chain") { Description = "PEM with the ASK or ASVK (an ARK in it is ignored: the ARK is always the pinned one). Without it, the chain comes from the cache or KDS." };
        var crl = new Option<FileInfo>("--crl") { Description = "The ARK-signed AMD CRL (DER) for the chain. Without it the CRL comes from the cache or AMD KDS (/vcek/v1/{product}/crl or /vlek/v1/{product}/crl); with --offline only from the cache." };
        var noRevocationCheck = new Option<bool>("--no-revocation-check") { Description = "Do not check revocation (an explicit opt-out; the CRL is otherwise required). Cannot be combined with --crl." };
        var product = new Option<string>("--product") { Description = "The expected product line: Milan, Genoa or Turin (v2 reports carry none)." };
        var at = new Option<string>("--at") { Description = "Judge certificate validity at this RFC 3339 time instead of now." };
        var offline = new Option<bool>("--offline") { Description = "Never touch the network: use only the given files and the cache." };
        var json = new Option<bool>("--json") { Description = "Print {\"valid\": …, \"errors\": […]} as JSON." };
        var cacheDir = new Option<DirectoryInfo>("--cache-dir") { Description = "Collateral cache directory (default: $XDG_CACHE_HOME/constellation/collateral)." };
        // A string, not Option<Uri>: System.CommandLine has no Uri converter and would throw while reading the value.
        var kdsUrl = new Option<string>("--kds-url") { Description = "AMD KDS base URL (default https://kdsintf.amd.com/).", Hidden = true };
        var policy = new SnpReportPolicyOptions();
        var command = new Command("snp-report", "Verify an SEV-SNP report's signature and certificate chain to the pinned AMD root, and with policy options its contents.")
        {
            file, signer, chain, crl, noRevocationCheck, product, at, offline, json, cacheDir, kdsUrl,
        };
        foreach (var option in policy.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var asJson = parse.GetValue(json);
            try
            {
                var report = SnpReportInput.ReadReport(parse.GetValue(file)!);
                var validation = policy.Read(parse);
                var crlFile = parse.GetValue(crl);
                var checkRevocation = !parse.GetValue(noRevocationCheck);
                if (crlFile is not null && !checkRevocation)
                {
                    throw new UnusableInputException("--crl and --no-revocation-check contradict each other; give one of them");
                }

                var options = new SnpVerificationOptions
                {
                    Product = SnpReportInput.ParseProduct(parse.GetValue(product)),
                    VerificationTime = SnpReportInput.ParseTime(parse.GetValue(at)),
                    CheckRevocation = checkRevocation,
                };
                var signerFile = parse.GetValue(signer);
                var chainFile = parse.GetValue(chain);
                var signerCertificate = signerFile is null ? null : SnpReportInput.ReadCertificate(signerFile, "signer");
                var intermediate = chainFile is null ? null : SnpReportInput.ReadIntermediate(chainFile);
                var revocationList = crlFile is null ? null : SnpReportInput.ReadRevocationList(crlFile);

                // An unsigned report is refused by the verifier; no CRL is looked up for it.
                var needsCrl = checkRevocation && revocationList is null && report.SigningKey != SnpSigningKey.None;
                if (signerCertificate is null || intermediate is null || needsCrl)
                {
                    using var collateral = CreateCollateral(parse.GetValue(offline), parse.GetValue(cacheDir), SnpReportInput.ParseKdsUrl(parse.GetValue(kdsUrl)));
                    var kds = collateral.AmdKds;
                    var line = ProductFor(report, options.Product, signerCertificate);
                    var kind = report.SigningKey == SnpSigningKey.Vlek ? SnpEndorsementKind.Vlek : SnpEndorsementKind.Vcek;
                    if (signerCertificate is null)
                    {
                        if (report.SigningKey != SnpSigningKey.Vcek)
                        {
                            throw new UnusableInputException($"the report is signed by {report.SigningKey.ToString().ToUpperInvariant()}; only VCEKs can be fetched from KDS, pass the signer with --signer");
                        }

                        signerCertificate = await kds.GetVcekAsync(report.ProductLine is null ? report.WithProductLine(line) : report, line, cancellationToken).ConfigureAwait(false);
                    }

                    intermediate ??= await kds.GetIntermediateAsync(line, kind, cancellationToken).ConfigureAwait(false);
                    if (needsCrl)
                    {
                        revocationList = await RevocationListAsync(kds, options.TrustedRoots, line, kind, cancellationToken).ConfigureAwait(false);
                    }
                }

                var result = new SnpReportVerifier(options).Verify(report, new SnpEvidenceCertificates(signerCertificate, intermediate, revocationList));
                // Policy is applied to the verified report (product line applied), never to one that did not verify.
                var violations = validation is null || !result.IsValid ? [] : SnpReportValidator.Validate(result, validation).Violations;
                WriteResult(output, result, violations, asJson);
                return result.IsValid && violations.Count == 0 ? ExitCodes.Success : ExitCodes.Rejected;
            }
            catch (UnusableInputException ex)
            {
                return Fail(asJson ? output : error, asJson, ex.Message, ExitCodes.UnusableInput);
            }
            catch (CollateralUnavailableException ex)
            {
                return Fail(asJson ? output : error, asJson, ex.Message, ExitCodes.UnusableInput);
            }
        });
        return command;
    }

    private static CollateralClients CreateCollateral(bool offline, DirectoryInfo? cacheDir, Uri? kdsUrl)
    {
        var options = EvidenceInput.CollateralOptions(offline, cacheDir);
        options.AmdKdsBaseUri = kdsUrl ?? options.AmdKdsBaseUri;
        return CollateralClients.Create(options);
    }

    private static async Task<SnpRevocationList> RevocationListAsync(AmdKdsClient kds, SnpTrustedRoots roots, SnpProductLine line, SnpEndorsementKind kind, CancellationToken cancellationToken)
    {
        if (!roots.TryGetArk(line, out var ark))
        {
            throw new UnusableInputException($"no ARK is pinned for {line}, so its CRL cannot be checked");
        }

        try
        {
            return await kds.GetRevocationListAsync(line, kind, ark, cancellationToken).ConfigureAwait(false);
        }
        catch (CollateralUnavailableException ex)
        {
            throw new UnusableInputException($"revocation cannot be checked: {ex.Message}; pass the AMD CRL with --crl <file>, or opt out with --no-revocation-check");
        }
    }

    private static SnpProductLine ProductFor(SnpReport report, SnpProductLine? requested, System.Security.Cryptography.X509Certificates.X509Certificate2? signer)
    {
        if (report.ProductLine is { } fromCpuid)
        {
            return fromCpuid;
        }

        if (requested is { } line)
        {
            return line;
        }

        if (signer is not null)
        {
            try
            {
                if (SnpEndorsementCertificate.FromCertificate(signer).ProductLine is { } named)
                {
                    return named;
                }
            }
            catch (CertificateChainException)
            {
                // The verifier reports the malformed signer with its reason.
            }
        }

        throw new UnusableInputException("a version 2 report names no product line; pass --product Milan|Genoa|Turin so the right KDS collateral is fetched");
    }

    private static void WriteResult(TextWriter output, SnpReportVerificationResult result, IReadOnlyList<PolicyViolation> violations, bool asJson)
    {
        var valid = result.IsValid && violations.Count == 0;
        var reasons = new List<string>(result.Failures.Count + violations.Count);
        foreach (var failure in result.Failures)
        {
            reasons.Add(failure.Message);
        }

        foreach (var violation in violations)
        {
            reasons.Add($"policy: {violation}");
        }

        if (asJson)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteBoolean("valid", valid);
                w.WriteStartArray("errors");
                foreach (var reason in reasons)
                {
                    w.WriteStringValue(reason);
                }

                w.WriteEndArray();
                if (result.ProductLine is { } line)
                {
                    w.WriteString("productLine", line.ToKdsName());
                }

                if (result.Endorsement is { } e)
                {
                    w.WriteString("signer", e.Kind.ToString().ToUpperInvariant());
                    w.WriteString("signerProductName", e.ProductName);
                }

                w.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }

        if (valid)
        {
            output.WriteLine($"valid: SEV-SNP report v{result.Report.Version} signed by {result.Endorsement!.Kind.ToString().ToUpperInvariant()} ({result.Endorsement.ProductName}), chain verified to the pinned ARK-{result.ProductLine!.Value.ToKdsName()}");
            return;
        }

        output.WriteLine($"rejected ({reasons.Count} reason{(reasons.Count == 1 ? string.Empty : "s")}):");
        foreach (var reason in reasons)
        {
            output.WriteLine($"  - {reason}");
        }
    }

    private static int Fail(TextWriter writer, bool asJson, string message, int exitCode)
    {
        if (asJson)
        {
            writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["valid"] = false, ["errors"] = new[] { message } }));
        }
        else
        {
            writer.WriteLine($"error: {message}");
        }

        return exitCode;
    }

    private static string ToJson(SnpReport report, bool indented)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            SnpReportJson.Write(writer, report);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
