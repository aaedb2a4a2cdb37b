using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// A checked kubelet certificate signing request: DER PKCS#10 whose signature verifies, an ECDSA P-256 key, subject CN
/// <c>system:node:&lt;name&gt;</c> with a DNS-1123 node name and exactly one Organization <c>system:nodes</c>. Immutable.
/// </summary>
public sealed class KubeletCsr
{
    /// <summary>The CN prefix of kubelet identities.</summary>
    public const string NodeCommonNamePrefix = "system:node:";

    /// <summary>The only Organization a kubelet CSR may carry.</summary>
    public const string NodesOrganization = "system:nodes";

    /// <summary>The largest CSR accepted, in bytes (a P-256 kubelet CSR with a few IP SANs is well under 1 KiB).</summary>
    public const int MaxLength = 16 * 1024;

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    // The DER OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (prime256v1), the EC key's parameters.
    private static readonly byte[] NistP256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    private KubeletCsr(CertificateRequest request, string nodeName, ImmutableArray<IPAddress> ipAddresses)
    {
        Request = request;
        NodeName = nodeName;
        IPAddresses = ipAddresses;
    }

    /// <summary>Gets the node name (the CN after <c>system:node:</c>).</summary>
    public string NodeName { get; }

    /// <summary>Gets the IP address SANs the CSR asks for; they are copied into the certificate.</summary>
    public ImmutableArray<IPAddress> IPAddresses { get; }

    /// <summary>Gets the loaded request (subject and public key).</summary>
    internal CertificateRequest Request { get; }

    /// <summary>Parses and checks a DER PKCS#10 CSR.</summary>
    /// <param name="der">The CSR bytes (at most <see cref="MaxLength"/>); trailing bytes are refused.</param>
    /// <returns>The checked CSR.</returns>
    /// <exception cref="MalformedJoinRequestException">
    /// The CSR is not DER PKCS#10 with a valid signature, too large, its key is not ECDSA P-256, or the node name is not a
    /// DNS-1123 subdomain.
    /// </exception>
    /// <exception cref="JoinRequestRejectedException">The subject is not exactly one kubelet identity (CN, O, single-valued RDNs).</exception>
    public static KubeletCsr Parse(ReadOnlySpan<byte> der)
    {
        if (der.IsEmpty || der.Length > MaxLength)
        {
            throw new MalformedJoinRequestException("certificate_request", $"a DER PKCS#10 request of 1 to {MaxLength} bytes", $"{der.Length} bytes");
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(
                der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            if (consumed != der.Length)
            {
                throw new MalformedJoinRequestException("certificate_request", $"{consumed} bytes of DER", $"{der.Length} bytes ({der.Length - consumed} trailing)");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or NotSupportedException or AsnContentException)
        {
            // LoadSigningRequest verifies the self-signature: a bad signature, bad DER and a public key that is not a
            // valid point (OpenSSL reports "curve not valid for this platform") all land here.
            throw new MalformedJoinRequestException($"invalid certificate_request: not a DER PKCS#10 request with a valid signature ({ex.GetType().Name})", ex);
        }

        // Constellation's nodes (and this join client) send ECDSA P-256 keys; the kubelet key is installed as ECDSA.
        var algorithm = request.PublicKey.Oid.Value;
        if (algorithm != EcPublicKeyOid || !(request.PublicKey.EncodedParameters?.RawData ?? []).AsSpan().SequenceEqual(NistP256Parameters))
        {
            throw new MalformedJoinRequestException(
                "certificate_request.public_key", "an ECDSA P-256 key", algorithm == EcPublicKeyOid ? "ECDSA on another curve" : $"a key of algorithm {algorithm}");
        }

        var commonNames = new List<string>();
        var organizations = new List<string>();
        foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            // A multi-valued RDN (CN=…+O=…) is no kubelet subject; the single-element accessors would throw on it.
            if (rdn.HasMultipleElements)
            {
                throw new JoinRequestRejectedException("certificate_request.subject", "single-valued relative distinguished names", "a multi-valued one");
            }

            var oid = rdn.GetSingleElementType().Value;
            var value = rdn.GetSingleElementValue() ?? string.Empty;
            if (oid == CommonNameOid)
            {
                commonNames.Add(value);
            }
            else if (oid == OrganizationOid)
            {
                organizations.Add(value);
            }
        }

        if (commonNames.Count != 1 || !commonNames[0].StartsWith(NodeCommonNamePrefix, StringComparison.Ordinal) || commonNames[0].Length == NodeCommonNamePrefix.Length)
        {
            throw new JoinRequestRejectedException(
                "certificate_request.subject.CN", $"one CN \"{NodeCommonNamePrefix}<node name>\"", Describe(commonNames));
        }

        if (organizations.Count != 1 || organizations[0] != NodesOrganization)
        {
            throw new JoinRequestRejectedException(
                "certificate_request.subject.O", $"exactly one O \"{NodesOrganization}\"", Describe(organizations));
        }

        var nodeName = commonNames[0][NodeCommonNamePrefix.Length..];
        if (!KubernetesNodeName.IsValid(nodeName, out var problem))
        {
            throw new MalformedJoinRequestException($"invalid certificate_request.subject.CN: node name {RequestText.Quote(nodeName)}: expected {problem}");
        }

        return new KubeletCsr(request, nodeName, ReadIPAddresses(request));
    }

    private static string Describe(List<string> values) =>
        values.Count == 0 ? "none" : values.Count > 4 ? $"{values.Count} values" : string.Join(", ", values.Select(RequestText.Quote));

    private static ImmutableArray<IPAddress> ReadIPAddresses(CertificateRequest request)
    {
        var builder = ImmutableArray.CreateBuilder<IPAddress>();
        foreach (var extension in request.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameOid))
        {
            try
            {
                var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                var names = reader.ReadSequence();
                reader.ThrowIfNotEmpty();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 7)
                    {
                        builder.Add(new IPAddress(names.ReadOctetString(tag)));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException ex)
            {
                throw new MalformedJoinRequestException($"invalid certificate_request: malformed subjectAltName extension ({ex.GetType().Name})", ex);
            }
            catch (ArgumentException ex)
            {
                throw new MalformedJoinRequestException("invalid certificate_request: expected IP address SANs of 4 or 16 bytes, got another length", ex);
            }
        }

        return builder.ToImmutable();
    }
}
