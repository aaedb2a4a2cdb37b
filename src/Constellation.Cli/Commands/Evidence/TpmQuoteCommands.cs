using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Cli.Commands.Evidence;

/// <summary>
/// <c>evidence inspect tpm-quote</c> and <c>evidence verify tpm-quote</c>: TPM 2.0 quotes as <c>tpm2_quote -m/-s</c>
/// writes them (TPMS_ATTEST and TPMT_SIGNATURE files) with a PEM AK public key (<c>tpm2_readpublic -f pem</c>).
/// </summary>
public static class TpmQuoteCommands
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Creates <c>inspect tpm-quote &lt;attest file&gt; [--json]</c>.</summary>
    /// <returns>The command.</returns>
    public static Command CreateInspect()
    {
        var file = new Argument<FileInfo>("attest file") { Description = "A TPMS_ATTEST file (tpm2_quote -m)." };
        var json = new Option<bool>("--json") { Description = "Print JSON (byte strings as lowercase hex)." };
        var command = new Command("tpm-quote", "Decode a TPM 2.0 quote (TPMS_ATTEST).") { file, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!TryRead(parse.GetValue(file)!, "attest file", InputCap.TpmStructure, error, out var bytes))
            {
                return ExitCodes.UnusableInput;
            }

            TpmAttest attest;
            try
            {
                attest = TpmAttest.Parse(bytes);
            }
            catch (AttestationFormatException ex)
            {
                error.WriteLine($"error: attest file: {ex.Message}");
                return ExitCodes.UnusableInput;
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(Json(w => TpmQuoteJson.Write(w, attest)));
            }
            else
            {
                output.WriteLine(TpmQuoteJson.ToText(attest));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>verify tpm-quote &lt;attest file&gt; --signature &lt;file&gt; --ak &lt;PEM&gt; [--nonce &lt;hex&gt;] [--json]</c>.</summary>
    /// <returns>The command.</returns>
    public static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("attest file") { Description = "A TPMS_ATTEST file (tpm2_quote -m)." };
        var signature = new Option<FileInfo>("--signature") { Description = "The TPMT_SIGNATURE file (tpm2_quote -s).", Required = true };
        var ak = new Option<FileInfo>("--ak") { Description = "The attestation key as PEM public key (tpm2_readpublic -f pem).", Required = true };
        var nonce = new Option<string?>("--nonce") { Description = "Expected qualifying data (extraData) as hex." };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON." };
        var command = new Command("tpm-quote", "Verify a TPM 2.0 quote signature with an AK public key, and optionally its nonce.") { file, signature, ak, nonce, json };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!TryRead(parse.GetValue(file)!, "attest file", InputCap.TpmStructure, error, out var attestBytes)
                || !TryRead(parse.GetValue(signature)!, "signature file", InputCap.TpmStructure, error, out var signatureBytes)
                || !TryRead(parse.GetValue(ak)!, "AK file", InputCap.PublicKeyPem, error, out var akBytes))
            {
                return ExitCodes.UnusableInput;
            }

            byte[]? expectedNonce = null;
            if (parse.GetValue(nonce) is { } nonceHex)
            {
                try
                {
                    expectedNonce = Convert.FromHexString(nonceHex);
                }
                catch (FormatException)
                {
                    error.WriteLine($"error: --nonce: expected hex, got \"{nonceHex}\"");
                    return ExitCodes.UnusableInput;
                }
            }

            TpmAttest attest;
            TpmSignature sig;
            TpmPublic key;
            try
            {
                attest = TpmAttest.Parse(attestBytes);
                sig = TpmSignature.Parse(signatureBytes);
            }
            catch (AttestationFormatException ex)
            {
                error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UnusableInput;
            }

            try
            {
                key = TpmPublic.FromSubjectPublicKeyInfo(ReadPublicKeyPem(Encoding.ASCII.GetString(akBytes)));
            }
            catch (Exception ex) when (ex is AttestationFormatException or ArgumentException or CryptographicException)
            {
                error.WriteLine($"error: AK file: expected a PEM \"PUBLIC KEY\" (RSA or EC): {ex.Message}");
                return ExitCodes.UnusableInput;
            }

            var reasons = new List<string>();
            try
            {
                TpmQuoteVerifier.VerifySignature(key, attestBytes, sig);
            }
            catch (AttestationSignatureException ex)
            {
                reasons.Add(ex.Message);
            }

            if (expectedNonce is not null && TpmQuoteValidator.ValidateNonce(attest, new TpmValidationOptions(expectedNonce)) is { } nonceViolation)
            {
                reasons.Add(nonceViolation.ToString());
            }

            var valid = reasons.Count == 0;
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("verified", valid);
                    w.WriteStartArray("reasons");
                    reasons.ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                    w.WritePropertyName("quote");
                    TpmQuoteJson.Write(w, attest);
                    w.WriteEndObject();
                }));
            }
            else if (valid)
            {
                output.WriteLine(expectedNonce is null
                    ? "verified: the quote signature verifies with the AK (no nonce given, extraData not checked)"
                    : "verified: the quote signature verifies with the AK and extraData equals the nonce");
            }
            else
            {
                output.WriteLine("rejected:");
                reasons.ForEach(r => output.WriteLine($"  - {r}"));
            }

            return valid ? ExitCodes.Success : ExitCodes.Rejected;
        });
        return command;
    }

    private static byte[] ReadPublicKeyPem(string pem)
    {
        var fields = PemEncoding.Find(pem);
        var label = pem[fields.Label];
        if (label != "PUBLIC KEY")
        {
            throw new AttestationFormatException($"PEM label: expected PUBLIC KEY, got {label}");
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static bool TryRead(FileInfo file, string what, InputCap cap, TextWriter error, out byte[] bytes)
    {
        try
        {
            bytes = InputFile.ReadBytes(file.FullName, what, cap);
            return true;
        }
        catch (UnusableInputException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            bytes = [];
            return false;
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
