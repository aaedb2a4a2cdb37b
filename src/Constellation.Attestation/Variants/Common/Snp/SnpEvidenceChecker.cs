using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>
/// Verifies and validates the SNP report inside an SNP InstanceInfo the way Constellation does (spec snp.md §7):
/// product Milan, certificates from the evidence, then the cached ASK, then KDS; ARK always the pinned one. Unlike
/// upstream, the ARK-signed CRL is checked by default (from KDS or its cache; refused when none can be had).
/// </summary>
internal sealed class SnpEvidenceChecker
{
    private readonly SnpVariantOptions _options;
    private readonly SnpReportVerifier _verifier;

    public SnpEvidenceChecker(SnpVariantOptions options)
    {
        _options = options;
        _verifier = new SnpReportVerifier(new SnpVerificationOptions
        {
            TrustedRoots = options.TrustedRoots,
            Product = SnpProductLine.Milan,
            VerificationTime = options.VerificationTime,
            TimeProvider = options.TimeProvider,
            CheckRevocation = options.CheckRevocation,
            PermitMaskedChipId = options.PermitMaskedChipId,
        });
    }

    public async Task<SnpReport> VerifyAndValidateAsync(SnpInstanceInfo info, SnpValidationOptions policy, CancellationToken cancellationToken)
    {
        var report = SnpReport.Parse(info.AttestationReport.Span);
        var kind = report.SigningKey switch
        {
            SnpSigningKey.Vcek => SnpEndorsementKind.Vcek,
            SnpSigningKey.Vlek => SnpEndorsementKind.Vlek,
            _ => throw new AttestationSignatureException("the report is unsigned (signer info SIGNING_KEY = 7)"),
        };

        var signer = await SignerAsync(info, report, kind, cancellationToken).ConfigureAwait(false);
        var intermediate = await IntermediateAsync(info, kind, cancellationToken).ConfigureAwait(false);
        var crl = _options.CheckRevocation ? await RevocationListAsync(kind, cancellationToken).ConfigureAwait(false) : null;
        var result = _verifier.Verify(report, new SnpEvidenceCertificates(signer, intermediate, crl)).ThrowIfInvalid();
        SnpReportValidator.Validate(result, policy).ThrowIfInvalid();
        return result.Report;
    }

    private async Task<X509Certificate2> SignerAsync(SnpInstanceInfo info, SnpReport report, SnpEndorsementKind kind, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(info.ReportSigner))
        {
            try
            {
                var signer = X509Certificate2.CreateFromPem(info.ReportSigner);
                CertificateDecoding.EnsureDecodable(signer, "ReportSigner");
                return signer;
            }
            catch (CryptographicException ex)
            {
                throw new CertificateChainException($"ReportSigner is not a PEM certificate: {ex.Message}", ex);
            }
        }

        if (kind == SnpEndorsementKind.Vlek)
        {
            throw new CertificateChainException("report signed with VLEK, but the VLEK certificate is missing from the evidence");
        }

        return _options.Kds is { } kds
            ? await kds.GetVcekAsync(report.WithProductLine(SnpProductLine.Milan), SnpProductLine.Milan, cancellationToken).ConfigureAwait(false)
            : throw new CollateralUnavailableException("the evidence carries no VCEK and no KDS client is configured");
    }

    private async Task<SnpRevocationList?> RevocationListAsync(SnpEndorsementKind kind, CancellationToken cancellationToken)
    {
        if (!_options.TrustedRoots.TryGetArk(SnpProductLine.Milan, out var ark))
        {
            // The verifier refuses the chain for want of a pinned ARK-Milan, with that reason.
            return null;
        }

        return _options.Kds is { } kds
            ? await kds.GetRevocationListAsync(SnpProductLine.Milan, kind, ark, cancellationToken).ConfigureAwait(false)
            : throw new CollateralUnavailableException(
                $"revocation checking is on (SnpVariantOptions.CheckRevocation) but no KDS client is configured to obtain the AMD CRL ({(kind == SnpEndorsementKind.Vcek ? "vcek" : "vlek")}/v1/Milan/crl); configure SnpVariantOptions.Kds (offline: with a cache holding the CRL) or set CheckRevocation = false to opt out explicitly");
    }

    private async Task<X509Certificate2> IntermediateAsync(SnpInstanceInfo info, SnpEndorsementKind kind, CancellationToken cancellationToken)
    {
        var wanted = kind == SnpEndorsementKind.Vcek ? "SEV-Milan" : "SEV-VLEK-Milan";
        if (!string.IsNullOrWhiteSpace(info.CertChain))
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPem(info.CertChain);
            }
            catch (CryptographicException ex)
            {
                throw new CertificateChainException($"CertChain holds a certificate that cannot be decoded: {ex.Message}", ex);
            }

            foreach (var certificate in collection)
            {
                CertificateDecoding.EnsureDecodable(certificate, "CertChain");
                // Only an intermediate is ever taken from the evidence; its ARK is ignored (the pinned one is used).
                if (certificate.GetNameInfo(X509NameType.SimpleName, false) is "SEV-Milan" or "SEV-VLEK-Milan")
                {
                    return certificate;
                }
            }
        }

        if (_options.AmdSigningKey is { } cached)
        {
            return cached;
        }

        return _options.Kds is { } kds
            ? await kds.GetIntermediateAsync(SnpProductLine.Milan, kind, cancellationToken).ConfigureAwait(false)
            : throw new CollateralUnavailableException($"the evidence carries no {wanted}, no amdSigningKey is configured and no KDS client is configured");
    }
}
