using System;
using System.Collections.Generic;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.JoinService.Ssh;

/// <summary>
/// The SSH part of a join request, checked: the host key (at most <see cref="MaxHostKeyLength"/> bytes, a supported
/// type) and its principals (1 to <see cref="MaxPrincipals"/> host names or addresses, each 1 to 253 characters of
/// letters, digits, '.', '-' and ':'). Wildcards, separators and whitespace are refused: OpenSSH gives some of them
/// meaning in principal lists, and a certificate for <c>*</c> would vouch for every host.
/// </summary>
internal sealed class SshHostCertificateRequest
{
    /// <summary>The largest host key accepted (an RSA 16384-bit key is about 2 KiB in wire format).</summary>
    public const int MaxHostKeyLength = 8 * 1024;

    /// <summary>The most principals one certificate may name.</summary>
    public const int MaxPrincipals = 64;

    private const int MaxPrincipalLength = 253;

    private SshHostCertificateRequest(SshPublicKey hostKey, IReadOnlyList<string> principals)
    {
        HostKey = hostKey;
        Principals = principals;
    }

    /// <summary>Gets the host key to certify.</summary>
    public SshPublicKey HostKey { get; }

    /// <summary>Gets the host names the certificate is for.</summary>
    public IReadOnlyList<string> Principals { get; }

    /// <summary>Reads the request's <c>host_public_key</c> and <c>host_certificate_principals</c>.</summary>
    /// <param name="hostKey">The wire-format host key; empty when the node asks for no certificate.</param>
    /// <param name="principals">The principals.</param>
    /// <returns>The checked request, or <see langword="null"/> when neither field is set.</returns>
    /// <exception cref="MalformedJoinRequestException">A field is malformed, too large, or set without the other.</exception>
    public static SshHostCertificateRequest? Read(ReadOnlySpan<byte> hostKey, IReadOnlyList<string> principals)
    {
        ArgumentNullException.ThrowIfNull(principals);
        if (hostKey.IsEmpty)
        {
            return principals.Count == 0
                ? null
                : throw new MalformedJoinRequestException("host_certificate_principals", "none without a host_public_key", $"{principals.Count} principals");
        }

        if (hostKey.Length > MaxHostKeyLength)
        {
            throw new MalformedJoinRequestException("host_public_key", $"at most {MaxHostKeyLength} bytes", $"{hostKey.Length} bytes");
        }

        var key = SshPublicKey.Parse(hostKey);
        if (principals.Count is 0 or > MaxPrincipals)
        {
            throw new MalformedJoinRequestException(
                "host_certificate_principals", $"1 to {MaxPrincipals} host names for the SSH host certificate", $"{principals.Count}");
        }

        for (var i = 0; i < principals.Count; i++)
        {
            if (!IsHostNameOrAddress(principals[i]))
            {
                throw new MalformedJoinRequestException(
                    "host_certificate_principals",
                    $"host names or addresses of 1 to {MaxPrincipalLength} letters, digits, '.', '-' and ':'",
                    $"{RequestText.Quote(principals[i])} at index {i}");
            }
        }

        return new SshHostCertificateRequest(key, principals);
    }

    private static bool IsHostNameOrAddress(string principal)
    {
        if (principal.Length is 0 or > MaxPrincipalLength)
        {
            return false;
        }

        foreach (var c in principal)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '-' and not ':')
            {
                return false;
            }
        }

        return true;
    }
}
