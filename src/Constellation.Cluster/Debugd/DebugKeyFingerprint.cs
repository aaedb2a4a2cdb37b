using System;
using System.Security.Cryptography;

namespace Constellation.Cluster.Debugd;

/// <summary>Names a debug key in messages: <c>sha256:</c> and the hex SHA-256 of its SubjectPublicKeyInfo (a public value).</summary>
public static class DebugKeyFingerprint
{
    /// <summary>The fingerprint of a SubjectPublicKeyInfo.</summary>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo.</param>
    /// <returns><c>sha256:&lt;64 hex digits&gt;</c>.</returns>
    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));
}
