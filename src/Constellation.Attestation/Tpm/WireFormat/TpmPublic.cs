using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// A TPMT_PUBLIC for an RSA or ECC key: the public area a TPM reports for a key. Wire format plus conversion
/// to .NET keys; immutable.
/// </summary>
public sealed class TpmPublic
{
    private readonly byte[] _raw;

    private TpmPublic(
        TpmAlgorithm type,
        TpmAlgorithm nameAlgorithm,
        TpmObjectAttributes attributes,
        byte[] authPolicy,
        TpmAlgorithm symmetric,
        ushort symmetricKeyBits,
        TpmAlgorithm symmetricMode,
        TpmAlgorithm scheme,
        TpmAlgorithm schemeHash,
        ushort schemeCount,
        ushort rsaKeyBits,
        uint rsaExponent,
        TpmEccCurve curve,
        TpmAlgorithm kdf,
        TpmAlgorithm kdfHash,
        byte[] unique,
        byte[] uniqueY,
        byte[]? raw)
    {
        Type = type;
        NameAlgorithm = nameAlgorithm;
        Attributes = attributes;
        AuthPolicy = authPolicy;
        Symmetric = symmetric;
        SymmetricKeyBits = symmetricKeyBits;
        SymmetricMode = symmetricMode;
        Scheme = scheme;
        SchemeHash = schemeHash;
        SchemeCount = schemeCount;
        RsaKeyBits = rsaKeyBits;
        RsaExponent = rsaExponent;
        Curve = curve;
        Kdf = kdf;
        KdfHash = kdfHash;
        Unique = unique;
        UniqueY = uniqueY;
        _raw = raw ?? Marshal();
    }

    /// <summary>Gets the key type: <see cref="TpmAlgorithm.Rsa"/> or <see cref="TpmAlgorithm.Ecc"/>.</summary>
    public TpmAlgorithm Type { get; }

    /// <summary>Gets the name algorithm.</summary>
    public TpmAlgorithm NameAlgorithm { get; }

    /// <summary>Gets the object attributes.</summary>
    public TpmObjectAttributes Attributes { get; }

    /// <summary>Gets the authorization policy digest.</summary>
    public ReadOnlyMemory<byte> AuthPolicy { get; }

    /// <summary>Gets the symmetric algorithm of a storage key (<see cref="TpmAlgorithm.Null"/> for signing keys).</summary>
    public TpmAlgorithm Symmetric { get; }

    /// <summary>Gets the symmetric key size, when <see cref="Symmetric"/> is not NULL.</summary>
    public ushort SymmetricKeyBits { get; }

    /// <summary>Gets the symmetric mode, when <see cref="Symmetric"/> is not NULL.</summary>
    public TpmAlgorithm SymmetricMode { get; }

    /// <summary>Gets the signing/encryption scheme (e.g. RSASSA, ECDSA) or NULL.</summary>
    public TpmAlgorithm Scheme { get; }

    /// <summary>Gets the scheme's hash algorithm, when <see cref="Scheme"/> is not NULL.</summary>
    public TpmAlgorithm SchemeHash { get; }

    /// <summary>Gets the ECDAA count, when <see cref="Scheme"/> is ECDAA.</summary>
    public ushort SchemeCount { get; }

    /// <summary>Gets the RSA key size in bits (RSA keys only).</summary>
    public ushort RsaKeyBits { get; }

    /// <summary>Gets the RSA exponent field as marshalled (0 means 65537).</summary>
    public uint RsaExponent { get; }

    /// <summary>Gets the effective RSA exponent (65537 when the field is 0).</summary>
    public uint EffectiveRsaExponent => RsaExponent == 0 ? 65537u : RsaExponent;

    /// <summary>Gets the ECC curve (ECC keys only).</summary>
    public TpmEccCurve Curve { get; }

    /// <summary>Gets the ECC KDF scheme (ECC keys only).</summary>
    public TpmAlgorithm Kdf { get; }

    /// <summary>Gets the KDF hash, when <see cref="Kdf"/> is not NULL.</summary>
    public TpmAlgorithm KdfHash { get; }

    /// <summary>Gets the RSA modulus, or the ECC point's x coordinate.</summary>
    public ReadOnlyMemory<byte> Unique { get; }

    /// <summary>Gets the ECC point's y coordinate (empty for RSA).</summary>
    public ReadOnlyMemory<byte> UniqueY { get; }

    /// <summary>Gets the exact marshalled bytes.</summary>
    public ReadOnlyMemory<byte> RawBytes => _raw;

    /// <summary>
    /// The go-tpm-tools RSA attestation-key template: RSA-2048, nameAlg SHA-256, attributes 0x00050072, empty policy,
    /// symmetric NULL, scheme RSASSA/SHA-256, exponent 0 (65537), empty unique.
    /// </summary>
    /// <returns>The template.</returns>
    public static TpmPublic RsaAttestationKeyTemplate() => CreateRsa(
        TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, 2048, 0, []);

    /// <summary>
    /// The go-tpm-tools ECC attestation-key template: NIST P-256, nameAlg SHA-256, attributes 0x00050072, empty policy,
    /// symmetric NULL, scheme ECDSA/SHA-256, KDF NULL, empty unique.
    /// </summary>
    /// <returns>The template.</returns>
    public static TpmPublic EccAttestationKeyTemplate() => CreateEcc(
        TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256, TpmEccCurve.NistP256, [], []);

    /// <summary>Creates an RSA public area (symmetric NULL, empty policy).</summary>
    /// <param name="nameAlgorithm">The name algorithm.</param>
    /// <param name="attributes">The object attributes.</param>
    /// <param name="scheme">The scheme (RSASSA, RSAPSS or NULL).</param>
    /// <param name="schemeHash">The scheme hash (ignored for NULL).</param>
    /// <param name="keyBits">The key size.</param>
    /// <param name="exponent">The exponent field (0 = 65537).</param>
    /// <param name="modulus">The modulus, or empty in a template.</param>
    /// <returns>The public area.</returns>
    public static TpmPublic CreateRsa(TpmAlgorithm nameAlgorithm, TpmObjectAttributes attributes, TpmAlgorithm scheme, TpmAlgorithm schemeHash, ushort keyBits, uint exponent, ReadOnlySpan<byte> modulus) =>
        new(TpmAlgorithm.Rsa, nameAlgorithm, attributes, [], TpmAlgorithm.Null, 0, TpmAlgorithm.Null, scheme,
            scheme == TpmAlgorithm.Null ? TpmAlgorithm.Null : schemeHash, 0, keyBits, exponent, TpmEccCurve.None, TpmAlgorithm.Null, TpmAlgorithm.Null, modulus.ToArray(), [], null);

    /// <summary>Creates an ECC public area (symmetric NULL, KDF NULL, empty policy).</summary>
    /// <param name="nameAlgorithm">The name algorithm.</param>
    /// <param name="attributes">The object attributes.</param>
    /// <param name="scheme">The scheme (ECDSA or NULL).</param>
    /// <param name="schemeHash">The scheme hash (ignored for NULL).</param>
    /// <param name="curve">The curve.</param>
    /// <param name="x">The point's x, or empty in a template.</param>
    /// <param name="y">The point's y, or empty in a template.</param>
    /// <returns>The public area.</returns>
    public static TpmPublic CreateEcc(TpmAlgorithm nameAlgorithm, TpmObjectAttributes attributes, TpmAlgorithm scheme, TpmAlgorithm schemeHash, TpmEccCurve curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) =>
        new(TpmAlgorithm.Ecc, nameAlgorithm, attributes, [], TpmAlgorithm.Null, 0, TpmAlgorithm.Null, scheme,
            scheme == TpmAlgorithm.Null ? TpmAlgorithm.Null : schemeHash, 0, 0, 0, curve, TpmAlgorithm.Null, TpmAlgorithm.Null, x.ToArray(), y.ToArray(), null);

    /// <summary>
    /// Builds an attestation-key public area for a DER SubjectPublicKeyInfo (RSA → RSASSA/SHA-256, EC P-256/384/521 →
    /// ECDSA with the curve's hash; nameAlg SHA-256, AK attributes), e.g. for a PEM key from <c>tpm2_readpublic -f pem</c>.
    /// </summary>
    /// <param name="subjectPublicKeyInfo">The DER key.</param>
    /// <returns>The public area.</returns>
    /// <exception cref="AttestationFormatException">The key is neither RSA nor a supported EC key.</exception>
    public static TpmPublic FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            var p = rsa.ExportParameters(false);
            var e = 0u;
            foreach (var b in p.Exponent!)
            {
                e = checked((e << 8) | b);
            }

            return CreateRsa(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, (ushort)(p.Modulus!.Length * 8), e == 65537 ? 0 : e, p.Modulus);
        }
        catch (CryptographicException)
        {
            // Not RSA; try EC below.
        }

        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            var p = ecdsa.ExportParameters(false);
            var (curve, hash) = p.Curve.Oid.Value switch
            {
                "1.2.840.10045.3.1.7" => (TpmEccCurve.NistP256, TpmAlgorithm.Sha256),
                "1.3.132.0.34" => (TpmEccCurve.NistP384, TpmAlgorithm.Sha384),
                "1.3.132.0.35" => (TpmEccCurve.NistP521, TpmAlgorithm.Sha512),
                _ => throw new AttestationFormatException($"public key: expected curve NIST P-256, P-384 or P-521, got {p.Curve.Oid.FriendlyName ?? p.Curve.Oid.Value}"),
            };
            return CreateEcc(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.Ecdsa, hash, curve, p.Q.X, p.Q.Y);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException("public key: expected an RSA or EC SubjectPublicKeyInfo", ex);
        }
    }

    /// <summary>Parses a TPMT_PUBLIC (RSA or ECC). Strict: unknown types or schemes, truncation and trailing bytes are errors.</summary>
    /// <param name="data">The marshalled public area, without a TPM2B size prefix.</param>
    /// <returns>The public area; <see cref="RawBytes"/> keeps the input.</returns>
    /// <exception cref="AttestationFormatException">The data is malformed.</exception>
    public static TpmPublic Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMT_PUBLIC");
        var result = Read(ref reader, data);
        reader.EnsureEnd();
        return result;
    }

    /// <summary>Returns a copy of the marshalled bytes.</summary>
    /// <returns>The TPMT_PUBLIC bytes.</returns>
    public byte[] ToArray() => (byte[])_raw.Clone();

    /// <summary>Computes the TPM name: nameAlg (UINT16) followed by nameAlg-hash of the marshalled public area.</summary>
    /// <returns>The name.</returns>
    public byte[] ComputeName()
    {
        var digest = TpmHash.Compute(NameAlgorithm, _raw);
        var name = new byte[2 + digest.Length];
        name[0] = (byte)((ushort)NameAlgorithm >> 8);
        name[1] = (byte)NameAlgorithm;
        digest.CopyTo(name, 2);
        return name;
    }

    /// <summary>
    /// Computes the qualified name under a parent: nameAlg ‖ H(parentQualifiedName ‖ name). For a primary key the
    /// parent's qualified name is the 4-byte hierarchy handle (e.g. 0x4000000B for the endorsement hierarchy).
    /// </summary>
    /// <param name="parentQualifiedName">The parent's qualified name.</param>
    /// <returns>The qualified name, as TPMS_ATTEST.qualifiedSigner carries it.</returns>
    public byte[] ComputeQualifiedName(ReadOnlySpan<byte> parentQualifiedName)
    {
        var digest = TpmHash.Compute(NameAlgorithm, [.. parentQualifiedName, .. ComputeName()]);
        return [(byte)((ushort)NameAlgorithm >> 8), (byte)NameAlgorithm, .. digest];
    }

    /// <summary>Creates a .NET RSA key from an RSA public area.</summary>
    /// <returns>The key; dispose it.</returns>
    /// <exception cref="InvalidOperationException">The key is not RSA.</exception>
    /// <exception cref="AttestationFormatException">The modulus or exponent is not usable.</exception>
    public RSA CreateRsa()
    {
        if (Type != TpmAlgorithm.Rsa)
        {
            throw new InvalidOperationException("The public area is not an RSA key.");
        }

        var exponent = EffectiveRsaExponent;
        var e = new byte[] { (byte)(exponent >> 24), (byte)(exponent >> 16), (byte)(exponent >> 8), (byte)exponent }.AsSpan();
        e = e.TrimStart((byte)0);
        try
        {
            return RSA.Create(new RSAParameters { Modulus = Unique.ToArray(), Exponent = e.ToArray() });
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"TPMT_PUBLIC: not a usable RSA key (exponent {exponent}, modulus of {Unique.Length} bytes): {ex.Message}", ex);
        }
    }

    /// <summary>Creates a .NET ECDSA key from an ECC public area.</summary>
    /// <returns>The key; dispose it.</returns>
    /// <exception cref="InvalidOperationException">The key is not ECC.</exception>
    /// <exception cref="AttestationFormatException">The curve is not supported or the point is invalid.</exception>
    public ECDsa CreateEcdsa()
    {
        if (Type != TpmAlgorithm.Ecc)
        {
            throw new InvalidOperationException("The public area is not an ECC key.");
        }

        var (curve, size) = GetCurve(Curve);
        if (Unique.Length > size || UniqueY.Length > size)
        {
            throw new AttestationFormatException($"TPMT_PUBLIC.unique: expected coordinates of at most {size} bytes, got {Unique.Length} and {UniqueY.Length}");
        }

        try
        {
            return ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = PadLeft(Unique.Span, size), Y = PadLeft(UniqueY.Span, size) } });
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException("TPMT_PUBLIC.unique: the ECC point is not on the curve", ex);
        }
    }

    /// <summary>Returns the key as DER SubjectPublicKeyInfo (RSA: exponent 0 reads as 65537).</summary>
    /// <returns>The DER bytes.</returns>
    /// <exception cref="AttestationFormatException">The key material is invalid.</exception>
    public byte[] ToSubjectPublicKeyInfo() => TpmKeyEncoding.ToSubjectPublicKeyInfo(this);

    internal static (ECCurve Curve, int CoordinateSize) GetCurve(TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => (ECCurve.NamedCurves.nistP256, 32),
        TpmEccCurve.NistP384 => (ECCurve.NamedCurves.nistP384, 48),
        TpmEccCurve.NistP521 => (ECCurve.NamedCurves.nistP521, 66),
        _ => throw new AttestationFormatException($"TPMT_PUBLIC.parameters.curveID: expected NIST P-256, P-384 or P-521, got 0x{(ushort)curve:x4}"),
    };

    internal static byte[] PadLeft(ReadOnlySpan<byte> value, int size)
    {
        var trimmed = value.TrimStart((byte)0);
        var result = new byte[size];
        trimmed.CopyTo(result.AsSpan(size - trimmed.Length));
        return result;
    }

    internal static TpmPublic Read(ref TpmReader reader, ReadOnlySpan<byte> whole)
    {
        var start = reader.Position;
        var type = reader.ReadAlgorithm("type");
        if (type is not (TpmAlgorithm.Rsa or TpmAlgorithm.Ecc))
        {
            throw reader.Error("type", "RSA (0x0001) or ECC (0x0023)", $"0x{(ushort)type:x4}");
        }

        var nameAlg = reader.ReadAlgorithm("nameAlg");
        if (!TpmHash.IsSupported(nameAlg))
        {
            throw reader.Error("nameAlg", "sha1, sha256, sha384 or sha512", $"0x{(ushort)nameAlg:x4}");
        }

        var attributes = (TpmObjectAttributes)reader.ReadUInt32("objectAttributes");
        var policy = reader.ReadSized("authPolicy", 64).ToArray();

        var symmetric = reader.ReadAlgorithm("parameters.symmetric.algorithm");
        ushort symBits = 0;
        var symMode = TpmAlgorithm.Null;
        if (symmetric != TpmAlgorithm.Null)
        {
            if (symmetric is not (TpmAlgorithm.Aes or TpmAlgorithm.Xor or (TpmAlgorithm)0x0026 or (TpmAlgorithm)0x0013))
            {
                throw reader.Error("parameters.symmetric.algorithm", "NULL, AES, SM4 or CAMELLIA", $"0x{(ushort)symmetric:x4}");
            }

            symBits = reader.ReadUInt16("parameters.symmetric.keyBits");
            symMode = reader.ReadAlgorithm("parameters.symmetric.mode");
        }

        var scheme = reader.ReadAlgorithm("parameters.scheme.scheme");
        var schemeHash = TpmAlgorithm.Null;
        ushort count = 0;
        if (scheme != TpmAlgorithm.Null)
        {
            var allowed = type == TpmAlgorithm.Rsa
                ? scheme is TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss or TpmAlgorithm.RsaEs or TpmAlgorithm.Oaep
                : scheme is TpmAlgorithm.Ecdsa or TpmAlgorithm.Ecdh or TpmAlgorithm.Ecdaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr;
            if (!allowed)
            {
                throw reader.Error("parameters.scheme.scheme", type == TpmAlgorithm.Rsa ? "NULL, RSASSA, RSAPSS, RSAES or OAEP" : "NULL, ECDSA, ECDH, ECDAA, SM2 or ECSCHNORR", $"0x{(ushort)scheme:x4}");
            }

            // RSAES carries no hash; every other scheme does.
            if (scheme != TpmAlgorithm.RsaEs)
            {
                schemeHash = reader.ReadAlgorithm("parameters.scheme.hashAlg");
                if (!TpmHash.IsSupported(schemeHash))
                {
                    throw reader.Error("parameters.scheme.hashAlg", "sha1, sha256, sha384 or sha512", $"0x{(ushort)schemeHash:x4}");
                }
            }

            if (scheme == TpmAlgorithm.Ecdaa)
            {
                count = reader.ReadUInt16("parameters.scheme.count");
            }
        }

        if (type == TpmAlgorithm.Rsa)
        {
            var keyBits = reader.ReadUInt16("parameters.keyBits");
            var exponent = reader.ReadUInt32("parameters.exponent");
            var modulus = reader.ReadSized("unique.rsa", 512).ToArray();
            if (modulus.Length != 0 && modulus.Length * 8 != keyBits)
            {
                throw reader.Error("unique.rsa", $"{keyBits / 8} bytes (keyBits {keyBits})", $"{modulus.Length} bytes");
            }

            return new TpmPublic(type, nameAlg, attributes, policy, symmetric, symBits, symMode, scheme, schemeHash, count, keyBits, exponent, TpmEccCurve.None, TpmAlgorithm.Null, TpmAlgorithm.Null, modulus, [],
                whole[start..reader.Position].ToArray());
        }

        var curve = (TpmEccCurve)reader.ReadUInt16("parameters.curveID");
        var kdf = reader.ReadAlgorithm("parameters.kdf.scheme");
        var kdfHash = TpmAlgorithm.Null;
        if (kdf != TpmAlgorithm.Null)
        {
            kdfHash = reader.ReadAlgorithm("parameters.kdf.hashAlg");
        }

        var x = reader.ReadSized("unique.ecc.x", 66).ToArray();
        var y = reader.ReadSized("unique.ecc.y", 66).ToArray();
        return new TpmPublic(type, nameAlg, attributes, policy, symmetric, symBits, symMode, scheme, schemeHash, count, 0, 0, curve, kdf, kdfHash, x, y,
            whole[start..reader.Position].ToArray());
    }

    private byte[] Marshal()
    {
        var writer = new TpmWriter();
        writer.WriteAlgorithm(Type).WriteAlgorithm(NameAlgorithm).WriteUInt32((uint)Attributes).WriteSized(AuthPolicy.Span);
        writer.WriteAlgorithm(Symmetric);
        if (Symmetric != TpmAlgorithm.Null)
        {
            writer.WriteUInt16(SymmetricKeyBits).WriteAlgorithm(SymmetricMode);
        }

        writer.WriteAlgorithm(Scheme);
        if (Scheme is not (TpmAlgorithm.Null or TpmAlgorithm.RsaEs))
        {
            writer.WriteAlgorithm(SchemeHash);
        }

        if (Scheme == TpmAlgorithm.Ecdaa)
        {
            writer.WriteUInt16(SchemeCount);
        }

        if (Type == TpmAlgorithm.Rsa)
        {
            writer.WriteUInt16(RsaKeyBits).WriteUInt32(RsaExponent).WriteSized(Unique.Span);
        }
        else
        {
            writer.WriteUInt16((ushort)Curve).WriteAlgorithm(Kdf);
            if (Kdf != TpmAlgorithm.Null)
            {
                writer.WriteAlgorithm(KdfHash);
            }

            writer.WriteSized(Unique.Span).WriteSized(UniqueY.Span);
        }

        return writer.ToArray();
    }
}
