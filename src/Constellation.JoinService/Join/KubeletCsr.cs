using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.JoinService.Join;

/// <summary>
/// A checked kubelet certificate signing request: DER PKCS#10 whose signature verifies, subject CN
/// <c>system:node:&lt;name&gt;</c> and exactly one Organization <c>system:nodes</c>. Immutable.
/// </summary>
public sealed class KubeletCsr
{
    /// <summary>The CN prefix of kubelet identities.</summary>
    public const string NodeCommonNamePrefix = "system:node:";

    /// <summary>The only Organization a kubelet CSR may carry.</summary>
    public const string NodesOrganization = "system:nodes";

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";
    private const string SubjectAltNameOid = "2.5.29.17";

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
    /// <param name="der">The CSR bytes; trailing bytes are refused.</param>
    /// <returns>The checked CSR.</returns>
    /// <exception cref="JoinRequestRejectedException">The CSR is malformed, its signature does not verify, or its subject is not a kubelet identity.</exception>
    public static KubeletCsr Parse(ReadOnlySpan<byte> der)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(
                der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            if (consumed != der.Length)
            {
                throw new JoinRequestRejectedException("certificate_request", $"{consumed} bytes of DER", $"{der.Length} bytes ({der.Length - consumed} trailing)");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or NotSupportedException or AsnContentException)
        {
            // LoadSigningRequest verifies the self-signature: a bad signature, bad DER and a public key that is not a
            // valid point (OpenSSL reports "curve not valid for this platform") all land here.
            throw new JoinRequestRejectedException($"invalid certificate_request: not a DER PKCS#10 request with a valid signature ({ex.Message})", ex);
        }

        var commonNames = new List<string>();
        var organizations = new List<string>();
        foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
        {
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
                "certificate_request.subject.CN", $"one CN \"{NodeCommonNamePrefix}<node name>\"", commonNames.Count == 0 ? "none" : string.Join(", ", commonNames.Select(c => $"\"{c}\"")));
        }

        if (organizations.Count != 1 || organizations[0] != NodesOrganization)
        {
            throw new JoinRequestRejectedException(
                "certificate_request.subject.O", $"exactly one O \"{NodesOrganization}\"", organizations.Count == 0 ? "none" : string.Join(", ", organizations.Select(o => $"\"{o}\"")));
        }

        return new KubeletCsr(request, commonNames[0][NodeCommonNamePrefix.Length..], ReadIPAddresses(request));
    }

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
                throw new JoinRequestRejectedException($"invalid certificate_request: malformed subjectAltName extension ({ex.Message})", ex);
            }
            catch (ArgumentException ex)
            {
                throw new JoinRequestRejectedException($"invalid certificate_request: malformed IP address SAN ({ex.Message})", ex);
            }
        }

        return builder.ToImmutable();
    }
}
