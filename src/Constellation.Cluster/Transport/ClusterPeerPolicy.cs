using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.Transport;

/// <summary>
/// Who a mutually authenticated TLS peer must be: a certificate issued by the cluster CA (the only trust anchor), for
/// exactly the subject <c>CN=&lt;name&gt;</c>, with the required extended key usage, valid now.
/// </summary>
/// <remarks>
/// The subject is pinned because the cluster CA also issues kubelet certificates (<c>CN=system:node:…</c>, client and
/// server authentication) to every joined node and the admin's client certificate; a chain to the CA alone would let
/// any of them in. Immutable and thread-safe; the trust anchor is a copy without private key.
/// </remarks>
public sealed class ClusterPeerPolicy
{
    /// <summary>The extended key usage of TLS clients.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The extended key usage of TLS servers.</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2 _trustAnchor;
    private readonly string? _subject;

    /// <summary>Creates a policy.</summary>
    /// <param name="trustAnchor">The cluster CA certificate.</param>
    /// <param name="commonName">The peer's common name, e.g. <c>constellation-join-service</c>.</param>
    /// <param name="extendedKeyUsage">The usage the peer's certificate must list (<see cref="ClientAuthentication"/> or <see cref="ServerAuthentication"/>).</param>
    public ClusterPeerPolicy(X509Certificate2 trustAnchor, string commonName, string extendedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(trustAnchor);
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        ArgumentException.ThrowIfNullOrEmpty(extendedKeyUsage);
        _trustAnchor = X509CertificateLoader.LoadCertificate(trustAnchor.RawData);
        _subject = new X500DistinguishedName("CN=" + commonName).Name;
        CommonName = commonName;
        ExtendedKeyUsage = extendedKeyUsage;
    }

    private ClusterPeerPolicy(X509Certificate2 trustAnchor)
    {
        ArgumentNullException.ThrowIfNull(trustAnchor);
        _trustAnchor = X509CertificateLoader.LoadCertificate(trustAnchor.RawData);
        _subject = null;
        CommonName = NodeCertificateSubject.CommonNamePrefix + "<node name>";
        ExtendedKeyUsage = ClientAuthentication;
    }

    /// <summary>
    /// Creates the policy for nodes as TLS clients: any kubelet certificate of the cluster CA (subject exactly
    /// <c>CN=system:node:&lt;name&gt;, O=system:nodes</c> with a valid node name, client authentication). Which node it
    /// is comes from <see cref="NodeCertificateSubject.TryGetNodeName"/>.
    /// </summary>
    /// <param name="trustAnchor">The cluster CA certificate.</param>
    /// <returns>The policy.</returns>
    public static ClusterPeerPolicy Nodes(X509Certificate2 trustAnchor) => new(trustAnchor);

    /// <summary>Gets the common name the peer must have.</summary>
    public string CommonName { get; }

    /// <summary>Gets the extended key usage the peer's certificate must list.</summary>
    public string ExtendedKeyUsage { get; }

    /// <summary>Checks a peer certificate.</summary>
    /// <param name="certificate">The certificate the peer presented, if any.</param>
    /// <param name="failure">Why it is not acceptable, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the peer is who this policy requires.</returns>
    public bool IsTrusted(X509Certificate2? certificate, [NotNullWhen(false)] out string? failure)
    {
        if (certificate is null)
        {
            failure = $"no certificate: expected one for CN={CommonName} issued by the cluster CA";
            return false;
        }

        if (_subject is null)
        {
            if (!NodeCertificateSubject.TryGetNodeName(certificate, out _, out var problem))
            {
                failure = problem;
                return false;
            }
        }
        else if (!string.Equals(certificate.SubjectName.Name, _subject, StringComparison.Ordinal))
        {
            failure = $"certificate subject: expected CN={CommonName} exactly, got another subject";
            return false;
        }

        return IssuedBy(_trustAnchor, certificate, ExtendedKeyUsage, out failure);
    }

    /// <summary>
    /// Checks that <paramref name="certificate"/> lists <paramref name="extendedKeyUsage"/> and chains to exactly
    /// <paramref name="trustAnchor"/>, valid now; shared by every policy that trusts the cluster CA.
    /// </summary>
    /// <param name="trustAnchor">The cluster CA certificate.</param>
    /// <param name="certificate">The peer's certificate.</param>
    /// <param name="extendedKeyUsage">The usage the certificate must list.</param>
    /// <param name="failure">Why it is not acceptable, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the certificate was issued by the anchor for the usage.</returns>
    internal static bool IssuedBy(X509Certificate2 trustAnchor, X509Certificate2 certificate, string extendedKeyUsage, [NotNullWhen(false)] out string? failure)
    {
        // Without an EKU extension the chain engine would treat every usage as allowed; require it explicitly.
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault();
        if (usages is null || !usages.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == extendedKeyUsage))
        {
            failure = $"certificate extended key usage: expected {extendedKeyUsage}";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustAnchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(extendedKeyUsage));
        if (!chain.Build(certificate))
        {
            failure = "certificate chain: expected a valid chain to the cluster CA, got " +
                string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()));
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(trustAnchor.RawDataMemory.Span))
        {
            failure = "certificate chain: expected the cluster CA as its root";
            return false;
        }

        failure = null;
        return true;
    }

    /// <summary>Describes the policy for logs.</summary>
    /// <returns>The required subject and usage.</returns>
    public override string ToString() => $"CN={CommonName} ({ExtendedKeyUsage}) issued by {_trustAnchor.Subject}";
}
