using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Cli.Commands.Evidence.Tdx;

/// <summary>The <c>inspect tdx-quote</c> and <c>verify tdx-quote</c> subcommands.</summary>
public static class TdxQuoteCommands
{
    private const string NotEvaluated = "TCB status was not evaluated (--signatures-only: no TCB info or QE identity was checked)";

    /// <summary>Creates <c>inspect tdx-quote &lt;file&gt; [--json]</c>.</summary>
    /// <returns>The command.</returns>
    public static Command CreateInspect()
    {
        var file = new Argument<FileInfo>("file") { Description = "The raw TDX quote (version 4 or 5)." };
        var json = new Option<bool>("--json") { Description = "Print the fields as a JSON object (byte strings as lowercase hex)." };
        var command = new Command("tdx-quote", "Decode a TDX quote and print its header, TD body, QE report and PCK certificate fields.") { file, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var quote = TdxQuoteInput.ReadQuote(parse.GetValue(file)!);
                var buffer = new MemoryStream();
                var asJson = parse.GetValue(json);
                using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = !asJson }))
                {
                    TdxQuoteJson.Write(w, quote);
                }

                var text = Encoding.UTF8.GetString(buffer.ToArray());
                if (asJson)
                {
                    output.WriteLine(text);
                }
                else
                {
                    using var doc = JsonDocument.Parse(text);
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        output.WriteLine($"{p.Name}: {p.Value}");
                    }
                }

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

    /// <summary>Creates <c>verify tdx-quote &lt;file&gt; [--collateral dir] [--at time] [--offline] [--signatures-only] [--json]</c>.</summary>
    /// <returns>The command.</returns>
    public static Command CreateVerify() => CreateVerify(TimeProvider.System);

    /// <summary>Creates the verify command with a given clock (tests).</summary>
    /// <param name="time">The clock used when <c>--at</c> is absent.</param>
    /// <returns>The command.</returns>
    public static Command CreateVerify(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var file = new Argument<FileInfo>("file") { Description = "The raw TDX quote (version 4 or 5)." };
        var collateralDir = new Option<DirectoryInfo>("--collateral")
        {
            Description = "Directory with tcb-info.json, qe-identity.json, tcb-info-issuer-chain.pem, qe-identity-issuer-chain.pem, pck-crl.der, root-ca-crl.der (CRLs PEM or DER); used instead of Intel PCS.",
        };
        var at = new Option<string>("--at") { Description = "Judge certificates and collateral at this RFC 3339 time instead of now." };
        var offline = new Option<bool>("--offline") { Description = "Never touch the network: use only --collateral and the cache." };
        var signaturesOnly = new Option<bool>("--signatures-only")
        {
            Description = "Check the quote signature, QE report and binding and the PCK chain (and CRLs when given) only; TCB status is not evaluated.",
        };
        var json = new Option<bool>("--json") { Description = "Print {\"valid\": …, \"errors\": […], \"tcbStatus\": …} as JSON." };
        var cacheDir = new Option<DirectoryInfo>("--cache-dir") { Description = "Collateral cache directory (default: $XDG_CACHE_HOME/constellation/collateral)." };
        var pcsUrl = new Option<string>("--pcs-url") { Description = "Intel PCS base URL (default https://api.trustedservices.intel.com/).", Hidden = true };
        var rootCrlUrl = new Option<string>("--root-crl-url") { Description = "Intel SGX Root CA CRL URL.", Hidden = true };
        var command = new Command("tdx-quote", "Verify a TDX quote: signatures, QE report binding, PCK chain to the pinned Intel SGX Root CA, CRLs, TCB info and QE identity.")
        {
            file, collateralDir, at, offline, signaturesOnly, json, cacheDir, pcsUrl, rootCrlUrl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var asJson = parse.GetValue(json);
            var sigOnly = parse.GetValue(signaturesOnly);
            try
            {
                var quote = TdxQuoteInput.ReadQuote(parse.GetValue(file)!);
                var when = TdxQuoteInput.ParseTime(parse.GetValue(at), time);
                var policy = sigOnly ? TdxValidationOptions.SignaturesOnly : TdxValidationOptions.Default;
                var dir = parse.GetValue(collateralDir);
                TdxQuoteVerificationResult verified;
                if (dir is not null)
                {
                    var collateral = await TdxQuoteInput.ReadCollateralAsync(dir, cancellationToken).ConfigureAwait(false);
                    verified = new TdxQuoteVerifier(Options(sigOnly, when, null)).Verify(quote, collateral);
                }
                else if (sigOnly)
                {
                    verified = new TdxQuoteVerifier(Options(sigOnly, when, null)).Verify(quote, new TdxCollateral());
                }
                else
                {
                    using var collateral = CreateCollateral(parse.GetValue(offline), parse.GetValue(cacheDir), Url(parse.GetValue(pcsUrl), "--pcs-url"), Url(parse.GetValue(rootCrlUrl), "--root-crl-url"));
                    verified = await new TdxQuoteVerifier(Options(sigOnly, when, collateral.IntelPcs)).VerifyAsync(quote, cancellationToken).ConfigureAwait(false);
                }

                var result = TdxQuoteValidator.Validate(verified, policy).ThrowIfInvalid();
                WriteValid(output, quote, result, asJson);
                return ExitCodes.Success;
            }
            catch (UnusableInputException ex)
            {
                return Fail(parse.InvocationConfiguration, asJson, ex.Message);
            }
            catch (CollateralUnavailableException ex)
            {
                return Fail(parse.InvocationConfiguration, asJson, ex.Message);
            }
            catch (AttestationException ex)
            {
                WriteRejected(output, ex, asJson, sigOnly);
                return ExitCodes.Rejected;
            }
            catch (IOException ex)
            {
                return Fail(parse.InvocationConfiguration, asJson, ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                return Fail(parse.InvocationConfiguration, asJson, ex.Message);
            }
        });
        return command;
    }

    // --signatures-only: no TCB evaluation, CRLs checked only when given; otherwise both are required.
    private static TdxVerificationOptions Options(bool signaturesOnly, DateTimeOffset at, ITdxCollateralSource? source) => new()
    {
        RequireTcbEvaluation = !signaturesOnly,
        RequireRevocationLists = !signaturesOnly,
        VerificationTime = at,
        CollateralSource = source,
    };

    private static Uri? Url(string? text, string option) =>
        text is null ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri
        : throw new UnusableInputException($"{option} \"{text}\" is not an absolute URL");

    private static CollateralClients CreateCollateral(bool offline, DirectoryInfo? cacheDir, Uri? pcsUrl, Uri? rootCrlUrl)
    {
        var options = EvidenceInput.CollateralOptions(offline, cacheDir);
        options.IntelPcsBaseUri = pcsUrl ?? options.IntelPcsBaseUri;
        options.IntelRootCaCrlUri = rootCrlUrl ?? options.IntelRootCaCrlUri;
        return CollateralClients.Create(options);
    }

    private static void WriteValid(TextWriter output, TdxQuote quote, TdxQuoteValidationResult validation, bool asJson)
    {
        var result = validation.Verification;
        var warnings = validation.Warnings.ToList();
        if (quote.TrailingByteCount > 0)
        {
            warnings.Insert(0, $"{quote.TrailingByteCount} bytes after the quote's signature data were ignored (they are not signed)");
        }

        if (asJson)
        {
            WriteJson(output, w =>
            {
                w.WriteBoolean("valid", true);
                w.WriteStartArray("errors");
                w.WriteEndArray();
                WriteStrings(w, "warnings", warnings);
                w.WriteBoolean("tcbEvaluated", result.TcbEvaluated);
                WriteTcb(w, result.Tcb, result.QeTcbLevel);
                if (!result.TcbEvaluated)
                {
                    w.WriteString("note", NotEvaluated);
                }

                w.WriteString("fmspc", result.Pck.FmspcHex);
                w.WriteBoolean("revocationChecked", result.PckChain.RevocationChecked);
            });
            return;
        }

        var what = $"TDX quote v{quote.Version}, FMSPC {result.Pck.FmspcHex}: quote signature, QE report, QE binding and PCK chain to the pinned Intel SGX Root CA verified"
            + (result.PckChain.RevocationChecked ? " (CRLs checked)" : " (no CRLs checked)");
        output.WriteLine($"valid: {what}");
        output.WriteLine(result.TcbEvaluated
            ? $"TCB status: {result.Tcb!.Status}{Advisories(result.Tcb)}; QE identity TCB status: {result.QeTcbLevel?.Status}"
            : NotEvaluated);
        foreach (var warning in warnings)
        {
            output.WriteLine($"warning: {warning}");
        }
    }

    private static void WriteRejected(TextWriter output, AttestationException ex, bool asJson, bool signaturesOnly)
    {
        var errors = ex is AttestationPolicyException policy && policy.Violations.Count > 0
            ? policy.Violations.Select(v => v.ToString()).ToList()
            : [ex.Message];
        var tdx = ex as TdxPolicyException;
        if (asJson)
        {
            WriteJson(output, w =>
            {
                w.WriteBoolean("valid", false);
                WriteStrings(w, "errors", errors);
                w.WriteBoolean("tcbEvaluated", tdx?.Tcb is not null);
                WriteTcb(w, tdx?.Tcb, tdx?.QeTcbLevel);
                if (signaturesOnly)
                {
                    w.WriteString("note", NotEvaluated);
                }
            });
            return;
        }

        output.WriteLine($"rejected ({errors.Count} reason{(errors.Count == 1 ? string.Empty : "s")}):");
        foreach (var e in errors)
        {
            output.WriteLine($"  - {e}");
        }

        if (tdx?.Tcb is { } tcb)
        {
            output.WriteLine(tcb.IsMatched ? $"TCB status: {tcb.Status}{Advisories(tcb)}" : "TCB status: no matching TCB level");
        }
        else if (signaturesOnly)
        {
            output.WriteLine(NotEvaluated);
        }
    }

    private static void WriteTcb(Utf8JsonWriter w, TdxTcbEvaluation? tcb, TdxModuleTcbLevel? qe)
    {
        if (tcb is null)
        {
            w.WriteNull("tcbStatus");
            return;
        }

        if (tcb.IsMatched)
        {
            w.WriteString("tcbStatus", tcb.Status);
            w.WriteString("tcbDate", tcb.PlatformLevel!.TcbDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            WriteStrings(w, "advisoryIds", tcb.AdvisoryIds);
            if (tcb.ModuleIdentity is { } module)
            {
                w.WriteString("tdxModuleIdentity", module.Id);
            }
        }
        else
        {
            w.WriteString("tcbStatus", "NoMatchingTcbLevel");
            w.WriteString("tcbStatusReason", tcb.NoMatchReason);
        }

        if (qe is not null)
        {
            w.WriteString("qeTcbStatus", qe.Status);
        }
    }

    private static string Advisories(TdxTcbEvaluation tcb) =>
        tcb.AdvisoryIds.Count == 0 ? string.Empty : $" (advisories: {string.Join(", ", tcb.AdvisoryIds)})";

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static int Fail(InvocationConfiguration io, bool asJson, string message)
    {
        if (asJson)
        {
            WriteJson(io.Output, w =>
            {
                w.WriteBoolean("valid", false);
                WriteStrings(w, "errors", [message]);
            });
        }
        else
        {
            io.Error.WriteLine($"error: {message}");
        }

        return ExitCodes.UnusableInput;
    }
}
