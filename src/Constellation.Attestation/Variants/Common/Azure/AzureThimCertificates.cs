namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>
/// What Azure's Trusted Hardware Identity Management endpoint (<c>metadata/THIM/amd/certification</c>) gives an SEV-SNP
/// VM: the host's VCEK and its chain (ASK, ARK), as PEM text. The issuer sends them unverified; the validator verifies them.
/// </summary>
/// <param name="VcekPem">The VCEK certificate PEM (<c>vcekCert</c>).</param>
/// <param name="CertificateChainPem">The ASK and ARK PEM (<c>certificateChain</c>).</param>
public sealed record AzureThimCertificates(string VcekPem, string CertificateChainPem);
