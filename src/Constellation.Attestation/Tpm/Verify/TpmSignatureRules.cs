using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// <see cref="TpmVerificationOptions"/> compiled for the verification path: which signature hashes, ECC curves and RSA
/// modulus sizes are accepted, with the messages that name them. Immutable and thread-safe.
/// </summary>
internal sealed class TpmSignatureRules
{
    // go-tpm-tools' rules: what options may narrow, never widen.
    private static readonly TpmAlgorithm[] SupportedHashes = [TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512];
    private static readonly TpmEccCurve[] SupportedCurves = [TpmEccCurve.NistP256, TpmEccCurve.NistP384, TpmEccCurve.NistP521];

    private readonly FrozenSet<TpmAlgorithm> _hashes;
    private readonly string _hashNames;
    private readonly FrozenSet<TpmEccCurve>? _curves;
    private readonly string _curveNames;
    private readonly int _minimumRsaKeySize;

    public TpmSignatureRules(TpmVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.SignatureHashes, nameof(options));
        ArgumentNullException.ThrowIfNull(options.EccCurves, nameof(options));
        if (options.SignatureHashes.Count == 0 || options.SignatureHashes.Any(h => !SupportedHashes.Contains(h)))
        {
            throw new ArgumentException(
                $"TpmVerificationOptions.SignatureHashes: expected a non-empty subset of sha256, sha384, sha512, got [{string.Join(", ", options.SignatureHashes.Select(TpmHash.ToDisplayName))}]", nameof(options));
        }

        if (options.EccCurves.Any(c => !SupportedCurves.Contains(c)))
        {
            throw new ArgumentException(
                $"TpmVerificationOptions.EccCurves: expected a subset of NIST P-256, P-384, P-521, got [{string.Join(", ", options.EccCurves.Select(CurveName))}]", nameof(options));
        }

        if (options.MinimumRsaKeySize < 0)
        {
            throw new ArgumentException($"TpmVerificationOptions.MinimumRsaKeySize: expected 0 or more bits, got {options.MinimumRsaKeySize}", nameof(options));
        }

        var hashes = SupportedHashes.Where(options.SignatureHashes.Contains).ToArray();
        _hashes = hashes.ToFrozenSet();
        _hashNames = Names(hashes.Select(TpmHash.ToDisplayName).ToArray());

        // With every supported curve nothing is narrowed: an unsupported curve is refused where the key is imported, as always.
        var curves = SupportedCurves.Where(options.EccCurves.Contains).ToArray();
        _curves = curves.Length == SupportedCurves.Length ? null : curves.ToFrozenSet();
        _curveNames = curves.Length == 0 ? "no curve (ECC attestation keys are not accepted)" : Names(curves.Select(CurveName).ToArray());
        _minimumRsaKeySize = options.MinimumRsaKeySize;
    }

    /// <summary>go-tpm-tools' rules (<see cref="TpmVerificationOptions.Default"/>).</summary>
    public static TpmSignatureRules Default { get; } = new(TpmVerificationOptions.Default);

    /// <summary>Refuses a signature or key these rules do not accept.</summary>
    /// <exception cref="AttestationSignatureException">The hash, scheme, curve or modulus size is not accepted.</exception>
    public void Check(TpmPublic key, TpmSignature signature)
    {
        if (!_hashes.Contains(signature.Hash))
        {
            throw new AttestationSignatureException($"quote signature hash: expected {_hashNames}, got {TpmHash.ToDisplayName(signature.Hash)}");
        }

        var expected = key.Type == TpmAlgorithm.Rsa ? TpmAlgorithm.RsaSsa : TpmAlgorithm.Ecdsa;
        if (signature.Algorithm != expected)
        {
            throw new AttestationSignatureException(key.Type == TpmAlgorithm.Rsa
                ? $"quote signature algorithm: expected RSASSA (0x0014) for an RSA key, got 0x{(ushort)signature.Algorithm:x4}"
                : $"quote signature algorithm: expected ECDSA (0x0018) for an ECC key, got 0x{(ushort)signature.Algorithm:x4}");
        }

        if (key.Type == TpmAlgorithm.Rsa)
        {
            if (_minimumRsaKeySize > 0 && ModulusBits(key.Unique.Span) is var bits && bits < _minimumRsaKeySize)
            {
                throw new AttestationSignatureException($"attestation key: expected an RSA modulus of at least {_minimumRsaKeySize} bits, got {bits}");
            }
        }
        else if (_curves is not null && !_curves.Contains(key.Curve))
        {
            throw new AttestationSignatureException($"attestation key: expected an ECDSA key on {_curveNames}, got {CurveName(key.Curve)}");
        }
    }

    private static int ModulusBits(ReadOnlySpan<byte> modulus)
    {
        var significant = modulus.TrimStart((byte)0);
        return significant.IsEmpty ? 0 : ((significant.Length - 1) * 8) + (8 - byte.LeadingZeroCount(significant[0]));
    }

    private static string CurveName(TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => "NIST P-256",
        TpmEccCurve.NistP384 => "NIST P-384",
        TpmEccCurve.NistP521 => "NIST P-521",
        _ => $"curve 0x{(ushort)curve:x4}",
    };

    private static string Names(string[] names) => names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
}
