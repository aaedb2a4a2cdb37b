using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Atls;

/// <summary>
/// aTLS nonces and the two TLS fields that carry them: the client nonce as SNI (standard, padded Base64) and the
/// server nonce as the common name of the single acceptable-CA distinguished name of a CertificateRequest.
/// </summary>
/// <remarks>Stateless and thread safe.</remarks>
public static class AtlsNonce
{
    /// <summary>The nonce length in bytes (Constellation's <c>RNGLengthDefault</c>).</summary>
    public const int Length = 32;

    private const string CommonNameOid = "2.5.4.3";

    /// <summary>Creates a fresh nonce from the operating system's CSPRNG.</summary>
    /// <returns>32 random bytes.</returns>
    public static byte[] Create() => RandomNumberGenerator.GetBytes(Length);

    /// <summary>Encodes a nonce as the SNI host name the client sends (standard Base64 with padding).</summary>
    /// <param name="nonce">The client nonce.</param>
    /// <returns>The 44-character server name for a 32-byte nonce.</returns>
    public static string ToServerName(ReadOnlySpan<byte> nonce) => Convert.ToBase64String(nonce);

    /// <summary>Decodes the client nonce from the SNI the server received.</summary>
    /// <param name="serverName">The SNI value exactly as received.</param>
    /// <returns>The nonce bytes.</returns>
    /// <exception cref="AtlsException">The SNI is missing or not standard padded Base64.</exception>
    public static byte[] FromServerName(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            throw new AtlsException("client nonce: the ClientHello carries no server name (SNI); an aTLS client sends its Base64 nonce there");
        }

        return DecodeStrict(serverName, "client nonce (SNI)");
    }

    /// <summary>Builds the distinguished name <c>CN=&lt;base64(nonce)&gt;</c> that carries the server nonce.</summary>
    /// <param name="nonce">The server nonce.</param>
    /// <returns>The distinguished name, with the common name as a PrintableString as Go encodes it.</returns>
    public static X500DistinguishedName ToAcceptableIssuer(ReadOnlySpan<byte> nonce)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(CommonNameOid, Convert.ToBase64String(nonce), UniversalTagNumber.PrintableString);
        return builder.Build();
    }

    /// <summary>Decodes the server nonce from the acceptable issuers of a CertificateRequest.</summary>
    /// <param name="acceptableIssuers">The issuers as .NET presents them (formatted distinguished names).</param>
    /// <returns>The server nonce.</returns>
    /// <exception cref="AtlsException">There is not exactly one issuer, it has no common name, or the name is not Base64.</exception>
    public static byte[] FromAcceptableIssuers(IReadOnlyList<string> acceptableIssuers)
    {
        ArgumentNullException.ThrowIfNull(acceptableIssuers);
        if (acceptableIssuers.Count != 1)
        {
            throw new AtlsException($"server nonce: unexpected acceptableCAs length: expected 1, got {acceptableIssuers.Count}");
        }

        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(acceptableIssuers[0]);
        }
        catch (CryptographicException ex)
        {
            throw new AtlsException($"server nonce: acceptable CA is not a distinguished name: {acceptableIssuers[0]}", ex);
        }

        return FromAcceptableIssuer(name);
    }

    /// <summary>Decodes the server nonce from the acceptable-CA distinguished name.</summary>
    /// <param name="acceptableIssuer">The single distinguished name of the CertificateRequest.</param>
    /// <returns>The server nonce.</returns>
    /// <exception cref="AtlsException">The name has no common name or it is not Base64.</exception>
    public static byte[] FromAcceptableIssuer(X500DistinguishedName acceptableIssuer)
    {
        ArgumentNullException.ThrowIfNull(acceptableIssuer);
        foreach (var rdn in acceptableIssuer.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            if (rdn.GetSingleElementType().Value == CommonNameOid)
            {
                var value = rdn.GetSingleElementValue()
                    ?? throw new AtlsException("server nonce: the acceptable CA's common name is not a string");
                return DecodeStrict(value, "server nonce (acceptable CA common name)");
            }
        }

        throw new AtlsException($"server nonce: CN not found in acceptable CA \"{acceptableIssuer.Name}\"");
    }

    private static byte[] DecodeStrict(string value, string what)
    {
        // Convert.FromBase64String tolerates whitespace; Go's StdEncoding does not, and neither does the protocol.
        var bytes = new byte[(value.Length / 4 * 3) + 3];
        if (value.Length % 4 != 0
            || value.AsSpan().ContainsAny(" \t\r\n")
            || !Convert.TryFromBase64String(value, bytes, out var written))
        {
            throw new AtlsException($"{what}: expected standard padded Base64, got \"{Printable(value)}\"");
        }

        return bytes.AsSpan(0, written).ToArray();
    }

    private static string Printable(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
