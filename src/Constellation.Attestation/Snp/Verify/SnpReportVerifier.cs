using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Caching;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// Verifies an SEV-SNP report: the ECDSA P-384 signature over the signed region by the VCEK or VLEK, the chain
/// VCEK→ASK→ARK or VLEK→ASVK→ARK (RSASSA-PSS) to the pinned ARK, validity at a settable time,
/// the ARK-signed CRL (required unless <see cref="SnpVerificationOptions.CheckRevocation"/> is off), and the signer
/// certificate's TCB and hwID extensions against the report (by exact DER encoding; a masked CHIP_ID only with
/// <see cref="SnpVerificationOptions.PermitMaskedChipId"/>).
/// The report's signing-key bits alone decide which chain is acceptable.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Successfully verified chains are memoised (bounded) per (signer, intermediate, ARK, product) and
/// the signer's imported key is lent from a key pool, so that repeated verifications cost one ECDSA verification plus
/// cheap comparisons; time validity and the report-specific checks are still evaluated on every call. CRL signatures are memoised per (CRL, ARK). Nothing is memoised per
/// report: ECDSA signatures are malleable (<c>(r, n−s)</c> verifies too, and AMD firmware emits high-S), so the report
/// signature is verified on every call and a verdict never outlives the call that produced it.</para>
/// <para>This is the "verify" layer: it establishes facts and reports every failure. Policy (minimum TCB, debug,
/// VMPL, measurement, …) is applied by <see cref="SnpReportValidator"/>.</para>
/// </remarks>
public sealed class SnpReportVerifier
{
    private const int MaxCachedChains = 256;
    private readonly BoundedMemo<string, VerifiedChain> _chains = new(MaxCachedChains, StringComparer.Ordinal);
    private readonly BoundedMemo<string, SnpEndorsementCertificate> _endorsements = new(MaxCachedChains, StringComparer.Ordinal);
    private readonly BoundedMemo<string, bool> _decodable = new(2 * MaxCachedChains, StringComparer.Ordinal);
    private readonly BoundedMemo<string, bool> _signedCrls = new(MaxCachedChains, StringComparer.Ordinal);

    // The signer's imported key by its certificate's exact bytes, lent to one caller at a time.
    private readonly KeyPool<ECDsa> _signerKeys = new(MaxCachedChains);

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The options, or <see langword="null"/> for <see cref="SnpVerificationOptions.Default"/>.</param>
    public SnpReportVerifier(SnpVerificationOptions? options = null)
    {
        Options = options ?? SnpVerificationOptions.Default;
    }

    /// <summary>Gets the options in force.</summary>
    public SnpVerificationOptions Options { get; }

    /// <summary>Verifies a report with the certificates that came with it (or were fetched for it).</summary>
    /// <param name="report">The parsed report.</param>
    /// <param name="certificates">The signer and intermediate certificates (and optional CRL).</param>
    /// <returns>The result, listing every failure.</returns>
    public SnpReportVerificationResult Verify(SnpReport report, SnpEvidenceCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(certificates);
        var failures = new List<AttestationException>();
        try
        {
            EnsureDecodableOnce(certificates.Signer, "signing certificate (VCEK/VLEK)");
            EnsureDecodableOnce(certificates.Intermediate, "intermediate certificate (ASK/ASVK)");
        }
        catch (AttestationFormatException ex)
        {
            failures.Add(ex);
            return new SnpReportVerificationResult(report, report.ProductLine, null, failures);
        }

        if (report.SigningKey == SnpSigningKey.None)
        {
            failures.Add(new AttestationSignatureException("the report is unsigned (signer info SIGNING_KEY = 7); unsigned reports are never accepted"));
            return new SnpReportVerificationResult(report, report.ProductLine, null, failures);
        }

        if (report.SignatureAlgorithm != SnpReport.EcdsaP384Sha384)
        {
            failures.Add(new AttestationFormatException($"SIGNATURE_ALGO: expected 1 (ECDSA P-384 with SHA-384), got {report.SignatureAlgorithm}"));
            return new SnpReportVerificationResult(report, report.ProductLine, null, failures);
        }

        var expectedKind = report.SigningKey == SnpSigningKey.Vcek ? SnpEndorsementKind.Vcek : SnpEndorsementKind.Vlek;
        var line = DetermineProductLine(report, certificates.Signer, failures);
        if (line is null)
        {
            return new SnpReportVerificationResult(report, null, null, failures);
        }

        if (report.ProductLine is null)
        {
            report = report.WithProductLine(line.Value);
        }

        if (!Options.TrustedRoots.TryGetArk(line.Value, out var ark))
        {
            failures.Add(new CertificateChainException(
                $"the report is from a {line} processor but no {AmdNames.ArkName(line.Value)} is trusted (trusted roots: {string.Join(", ", TrustedArkNames())}); it cannot chain to a pinned root"));
            return new SnpReportVerificationResult(report, line, null, failures);
        }

        VerifiedChain chain;
        try
        {
            chain = GetOrVerifyChain(certificates.Signer, certificates.Intermediate, ark, line.Value, expectedKind, report.SignerInfo);
        }
        catch (AttestationException ex)
        {
            failures.Add(ex);
            return new SnpReportVerificationResult(report, line, null, failures);
        }

        var at = Options.Now;
        CheckValidity(chain.Endorsement.Certificate, at, failures);
        CheckValidity(chain.Intermediate, at, failures);
        CheckValidity(chain.Ark, at, failures);
        var revocationChecked = CheckRevocation(certificates.RevocationList, chain, line.Value, at, failures);
        CheckExtensionsAgainstReport(report, chain.Endorsement, line.Value, failures);

        var signature = TryConvertSignature(report, failures);
        if (signature is not null && !VerifySignature(chain.Endorsement.Certificate, report.SignedRegion, signature))
        {
            failures.Add(new AttestationSignatureException(
                $"the report signature does not verify with the {chain.Endorsement.Kind.ToString().ToUpperInvariant()} ({chain.Endorsement.Certificate.Subject}, serial {chain.Endorsement.Certificate.SerialNumber.ToLowerInvariant()})"));
        }

        return new SnpReportVerificationResult(report, line, chain.Endorsement, failures, at, chain.Intermediate, chain.Ark, revocationChecked);
    }

    private SnpProductLine? DetermineProductLine(SnpReport report, X509Certificate2 signer, List<AttestationException> failures)
    {
        if (report.Version >= 3)
        {
            if (report.ProductLine is not { } fromCpuid)
            {
                failures.Add(new CertificateChainException(string.Create(CultureInfo.InvariantCulture,
                    $"the report's CPUID (family 0x{report.CpuidFamily:x2} model 0x{report.CpuidModel:x2}) is not a known SEV-SNP product")));
                return null;
            }

            if (Options.Product is { } expected && expected != fromCpuid)
            {
                failures.Add(new CertificateChainException(string.Create(CultureInfo.InvariantCulture,
                    $"product mismatch: the report comes from a {fromCpuid} processor (CPUID family 0x{report.CpuidFamily:x2} model 0x{report.CpuidModel:x2}) but {expected} was expected ({AmdNames.ArkName(expected)})")));
                return null;
            }

            return fromCpuid;
        }

        SnpProductLine? fromCertificate = null;
        try
        {
            fromCertificate = ParseEndorsement(signer).ProductLine;
        }
        catch (CertificateChainException)
        {
            // Reported by the chain check with its full reason.
        }

        if (Options.Product is { } wanted)
        {
            if (fromCertificate is { } named && named != wanted)
            {
                failures.Add(new CertificateChainException($"product mismatch: the signer certificate is for {named} but {wanted} was expected ({AmdNames.ArkName(wanted)})"));
                return null;
            }

            return wanted;
        }

        if (fromCertificate is null)
        {
            failures.Add(new CertificateChainException("the product line is unknown: a version 2 report carries no CPUID and the signer certificate names no known product; specify the product"));
        }

        return fromCertificate;
    }

    private VerifiedChain GetOrVerifyChain(X509Certificate2 signer, X509Certificate2 intermediate, X509Certificate2 ark, SnpProductLine line, SnpEndorsementKind expectedKind, uint signerInfo)
    {
        var key = ChainKey(signer, intermediate, ark, line);
        if (_chains.TryGet(key, out var cached))
        {
            if (cached.Endorsement.Kind != expectedKind)
            {
                throw SignerConfusion(expectedKind, cached.Endorsement, signerInfo);
            }

            return cached;
        }

        var chain = VerifyChain(signer, intermediate, ark, line, expectedKind, signerInfo);
        _chains.Add(key, chain);
        return chain;
    }

    private SnpEndorsementCertificate ParseEndorsement(X509Certificate2 signer)
    {
        var key = MemoKey.Of(signer.RawDataMemory.Span);
        if (_endorsements.TryGet(key, out var parsed))
        {
            return parsed;
        }

        parsed = SnpEndorsementCertificate.FromCertificate(signer);
        _endorsements.Add(key, parsed);
        return parsed;
    }

    private VerifiedChain VerifyChain(X509Certificate2 signer, X509Certificate2 intermediate, X509Certificate2 ark, SnpProductLine line, SnpEndorsementKind expectedKind, uint signerInfo)
    {
        var endorsement = ParseEndorsement(signer);
        if (endorsement.Kind != expectedKind)
        {
            throw SignerConfusion(expectedKind, endorsement, signerInfo);
        }

        var expectedIntermediate = AmdNames.IntermediateName(expectedKind, line);
        var role = AmdNames.IntermediateRole(expectedKind);
        var intermediateCn = AmdNames.CommonName(intermediate.SubjectName, $"intermediate ({role}) subject");
        if (intermediateCn != expectedIntermediate)
        {
            var otherKind = expectedKind == SnpEndorsementKind.Vcek ? SnpEndorsementKind.Vlek : SnpEndorsementKind.Vcek;
            var otherName = AmdNames.IntermediateName(otherKind, line);
            throw new CertificateChainException(intermediateCn == otherName
                ? $"signer binding mismatch: the report is signed by a {expectedKind.ToString().ToUpperInvariant()} (signer info 0x{signerInfo:x}), which chains only through an {role} ({expectedIntermediate}), but the chain holds the {AmdNames.IntermediateRole(otherKind)} {intermediateCn}"
                : $"intermediate ({role}) CN: expected {expectedIntermediate}, got {intermediateCn}");
        }

        AmdNames.CheckLocation(intermediate.SubjectName, $"{role} subject");
        var issuerCn = AmdNames.CommonName(signer.IssuerName, "signer certificate issuer");
        if (issuerCn != expectedIntermediate || !signer.IssuerName.RawData.AsSpan().SequenceEqual(intermediate.SubjectName.RawData))
        {
            throw new CertificateChainException($"signer certificate issuer: expected {expectedIntermediate} ({intermediate.Subject}), got {signer.Issuer}");
        }

        if (!intermediate.IssuerName.RawData.AsSpan().SequenceEqual(ark.SubjectName.RawData))
        {
            throw new CertificateChainException($"{role} {intermediateCn} is issued by \"{intermediate.Issuer}\", not by the pinned {AmdNames.Describe(ark)}");
        }

        using (var arkKey = ark.GetRSAPublicKey() ?? throw new CertificateChainException("ARK does not hold an RSA key"))
        {
            if (!AmdSignedData.Decode(intermediate.RawData, $"{role} {intermediateCn}").VerifyWith(arkKey))
            {
                throw new CertificateChainException($"{role} {intermediateCn} signature does not verify with the pinned {AmdNames.Describe(ark)}");
            }
        }

        using (var intermediateKey = intermediate.GetRSAPublicKey() ?? throw new CertificateChainException($"{role} {intermediateCn} does not hold an RSA key"))
        {
            if (!AmdSignedData.Decode(signer.RawData, $"{AmdNames.EndorsementName(expectedKind)} certificate").VerifyWith(intermediateKey))
            {
                throw new CertificateChainException($"{AmdNames.EndorsementName(expectedKind)} certificate signature does not verify with the {role} {intermediateCn}");
            }
        }

        return new VerifiedChain(endorsement, intermediate, ark);
    }

    private static CertificateChainException SignerConfusion(SnpEndorsementKind expected, SnpEndorsementCertificate actual, uint signerInfo) => new(
        $"signer binding mismatch: the report's signing-key bits say {expected.ToString().ToUpperInvariant()} (signer info 0x{signerInfo:x}), but the signer certificate is a {actual.Kind.ToString().ToUpperInvariant()} ({AmdNames.Describe(actual.Certificate)})");

    private static void CheckValidity(X509Certificate2 certificate, DateTimeOffset at, List<AttestationException> failures)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (at < notBefore || at > notAfter)
        {
            failures.Add(new AttestationFreshnessException(
                $"{AmdNames.Describe(certificate)} certificate is valid {AmdNames.Format(notBefore)} to {AmdNames.Format(notAfter)}, not at {AmdNames.Format(at)} ({(at > notAfter ? "expired" : "not yet valid")})"));
        }
    }

    /// <summary>Applies the CRL; returns whether one was applied without failure.</summary>
    private bool CheckRevocation(SnpRevocationList? crl, VerifiedChain chain, SnpProductLine line, DateTimeOffset at, List<AttestationException> failures)
    {
        var kind = chain.Endorsement.Kind;
        if (crl is null)
        {
            // No silent fallback: without the CRL nothing says the chain is not revoked.
            if (Options.CheckRevocation)
            {
                failures.Add(new CollateralUnavailableException(
                    $"revocation checking is on (SnpVerificationOptions.CheckRevocation) but no AMD CRL was supplied for the {AmdNames.IntermediateRole(kind)} {AmdNames.Describe(chain.Intermediate)}: pass the ARK-signed CRL (KDS {(kind == SnpEndorsementKind.Vcek ? "vcek" : "vlek")}/v1/{line.ToKdsName()}/crl) as SnpEvidenceCertificates.RevocationList, or set CheckRevocation = false to opt out explicitly"));
            }

            return false;
        }

        try
        {
            EnsureCrlSignedOnce(crl, chain.Ark);
            SnpRevocationListChecks.EnsureCurrent(crl, at);
            SnpRevocationListChecks.EnsureNotListed(crl, chain.Intermediate, chain.Endorsement.Certificate);
            return true;
        }
        catch (AttestationException ex)
        {
            failures.Add(ex);
            return false;
        }
    }

    // The same CRL is presented with every report until its nextUpdate; its RSA-4096 signature is checked once per ARK.
    private void EnsureCrlSignedOnce(SnpRevocationList crl, X509Certificate2 ark)
    {
        string key;
        using (var k = new MemoKey())
        {
            key = k.Add(crl.RawData).Add(ark.RawDataMemory.Span).Finish();
        }

        if (_signedCrls.Contains(key))
        {
            return;
        }

        SnpRevocationListChecks.EnsureSignedBy(crl, ark);
        _signedCrls.Add(key, true);
    }

    private void CheckExtensionsAgainstReport(SnpReport report, SnpEndorsementCertificate endorsement, SnpProductLine line, List<AttestationException> failures)
    {
        foreach (var (name, expected, actual) in endorsement.CompareTcb(report.ReportedTcb))
        {
            failures.Add(new CertificateChainException($"signer certificate {name} does not match REPORTED_TCB ({report.ReportedTcb}): expected DER {expected}, got {actual}"));
        }

        var certTcb = endorsement.GetTcb(line);
        if (!report.CurrentTcb.IsAtLeast(certTcb))
        {
            failures.Add(new CertificateChainException($"signer certificate TCB {certTcb} exceeds CURRENT_TCB {report.CurrentTcb}"));
        }

        if (endorsement.Kind == SnpEndorsementKind.Vcek && report.IsChipIdMasked)
        {
            // A masked CHIP_ID leaves the report unbound to the chip named by the VCEK: a policy choice, off by default.
            if (!Options.PermitMaskedChipId)
            {
                failures.Add(new CertificateChainException(
                    $"the report's CHIP_ID is masked (all zero), so it is not bound to the VCEK hwID {Convert.ToHexStringLower(endorsement.HardwareId)}; VCEK reports with a masked CHIP_ID are refused unless SnpVerificationOptions.PermitMaskedChipId is set"));
            }
        }
        else if (endorsement.Kind == SnpEndorsementKind.Vcek)
        {
            var hwId = endorsement.HardwareId;
            var chipId = report.ChipId;
            var matches = chipId[..hwId.Length].SequenceEqual(hwId) && !chipId[hwId.Length..].ContainsAnyExcept((byte)0);
            if (!matches)
            {
                failures.Add(new CertificateChainException(
                    $"VCEK hwID does not match CHIP_ID: expected {Convert.ToHexStringLower(chipId)}, got {Convert.ToHexStringLower(hwId)}"));
            }
        }
    }

    private static byte[]? TryConvertSignature(SnpReport report, List<AttestationException> failures)
    {
        try
        {
            return SnpSignature.ToIeeeP1363(report.Signature);
        }
        catch (AttestationFormatException ex)
        {
            failures.Add(new AttestationSignatureException(ex.Message, ex));
            return null;
        }
    }

    private IEnumerable<string> TrustedArkNames()
    {
        foreach (var line in Options.TrustedRoots.ProductLines)
        {
            yield return AmdNames.ArkName(line);
        }
    }

    // Decoding every part of a certificate (both public-key imports included) costs about as much as the report's
    // signature check, so byte-identical certificates that decoded once are not decoded again.
    private void EnsureDecodableOnce(X509Certificate2 certificate, string what)
    {
        var key = MemoKey.Of(certificate.RawDataMemory.Span);
        if (_decodable.Contains(key))
        {
            return;
        }

        CertificateDecoding.EnsureDecodable(certificate, what);
        _decodable.Add(key, true);
    }

    private static string ChainKey(X509Certificate2 signer, X509Certificate2 intermediate, X509Certificate2 ark, SnpProductLine line)
    {
        using var key = new MemoKey();
        return key.Add(signer.RawDataMemory.Span).Add(intermediate.RawDataMemory.Span).Add(ark.RawDataMemory.Span).Add((long)line).Finish();
    }

    private bool VerifySignature(X509Certificate2 signer, ReadOnlySpan<byte> data, byte[] p1363)
    {
        // The signer parsed as an endorsement certificate, which requires an ECDSA P-384 key.
        using var lease = _signerKeys.Rent(signer.RawDataMemory.Span, signer, static (_, signer) =>
            signer.GetECDsaPublicKey() ?? throw new CertificateChainException($"{AmdNames.Describe(signer)} does not hold an ECDSA key"));
        return lease.Key.VerifyData(data, p1363, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private sealed class VerifiedChain(SnpEndorsementCertificate endorsement, X509Certificate2 intermediate, X509Certificate2 ark)
    {
        public SnpEndorsementCertificate Endorsement { get; } = endorsement;

        public X509Certificate2 Intermediate { get; } = intermediate;

        public X509Certificate2 Ark { get; } = ark;
    }
}
