using System;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// The Intel SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate: PPID, TCB components, PCE SVN, CPU SVN,
/// PCE-ID and FMSPC. Immutable.
/// </summary>
public sealed class PckCertificateExtensions
{
    /// <summary>The OID of the SGX extension.</summary>
    public const string SgxExtensionOid = "1.2.840.113741.1.13.1";

    private const string PpidOid = SgxExtensionOid + ".1";
    private const string TcbOid = SgxExtensionOid + ".2";
    private const string PceIdOid = SgxExtensionOid + ".3";
    private const string FmspcOid = SgxExtensionOid + ".4";

    private readonly byte[] _ppid;
    private readonly byte[] _components;
    private readonly byte[] _cpuSvn;
    private readonly byte[] _pceId;
    private readonly byte[] _fmspc;

    private PckCertificateExtensions(byte[] ppid, byte[] components, ushort pceSvn, byte[] cpuSvn, byte[] pceId, byte[] fmspc)
    {
        _ppid = ppid;
        _components = components;
        PceSvn = pceSvn;
        _cpuSvn = cpuSvn;
        _pceId = pceId;
        _fmspc = fmspc;
    }

    /// <summary>Gets the platform provisioning ID (16 bytes).</summary>
    public ReadOnlySpan<byte> Ppid => _ppid;

    /// <summary>Gets the 16 SGX TCB component SVNs (sgxTcbComp01..16), the values TCB levels are matched against.</summary>
    public ReadOnlySpan<byte> SgxTcbComponents => _components;

    /// <summary>Gets the PCE SVN certified by the PCK certificate.</summary>
    public ushort PceSvn { get; }

    /// <summary>Gets the CPU SVN octet string (16 bytes); informational, not used for TCB matching.</summary>
    public ReadOnlySpan<byte> CpuSvn => _cpuSvn;

    /// <summary>Gets the PCE-ID (2 bytes).</summary>
    public ReadOnlySpan<byte> PceId => _pceId;

    /// <summary>Gets the FMSPC (6 bytes) that selects the platform's TCB info.</summary>
    public ReadOnlySpan<byte> Fmspc => _fmspc;

    /// <summary>Gets the FMSPC as lowercase hex.</summary>
    public string FmspcHex => Convert.ToHexStringLower(_fmspc);

    /// <summary>Gets the PCE-ID as lowercase hex.</summary>
    public string PceIdHex => Convert.ToHexStringLower(_pceId);

    /// <summary>Reads the SGX extension of a PCK certificate.</summary>
    /// <param name="pckCertificate">The PCK leaf certificate.</param>
    /// <returns>The parsed extension values.</returns>
    /// <exception cref="AttestationFormatException">The extension is missing, malformed or incomplete.</exception>
    public static PckCertificateExtensions Read(X509Certificate2 pckCertificate)
    {
        ArgumentNullException.ThrowIfNull(pckCertificate);
        X509Extension? ext = null;
        foreach (var e in pckCertificate.Extensions)
        {
            if (e.Oid?.Value == SgxExtensionOid)
            {
                ext = ext is null ? e : throw Error("the SGX extension appears more than once");
            }
        }

        if (ext is null)
        {
            throw Error("the PCK certificate has no SGX extension (1.2.840.113741.1.13.1)");
        }

        try
        {
            return ReadValue(ext.RawData);
        }
        catch (AsnContentException ex)
        {
            throw new AttestationFormatException($"PCK certificate SGX extension: malformed DER ({ex.Message})", ex);
        }
    }

    private static PckCertificateExtensions ReadValue(byte[] der)
    {
        byte[]? ppid = null, pceId = null, fmspc = null, components = null, cpuSvn = null;
        ushort? pceSvn = null;
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var seq = outer.ReadSequence();
        EnsureEnd(outer);
        while (seq.HasData)
        {
            var item = seq.ReadSequence();
            var oid = item.ReadObjectIdentifier();
            switch (oid)
            {
                case PpidOid:
                    ppid = ReadOctets(item, 16, "PPID");
                    break;
                case PceIdOid:
                    pceId = ReadOctets(item, 2, "PCE-ID");
                    break;
                case FmspcOid:
                    fmspc = ReadOctets(item, 6, "FMSPC");
                    break;
                case TcbOid:
                    (components, pceSvn, cpuSvn) = ReadTcb(item.ReadSequence());
                    break;
                default:
                    item.ReadEncodedValue();
                    break;
            }

            EnsureEnd(item);
        }

        return new PckCertificateExtensions(
            ppid ?? throw Error("PPID (.1) missing"),
            components ?? throw Error("TCB (.2) missing"),
            pceSvn!.Value,
            cpuSvn!,
            pceId ?? throw Error("PCE-ID (.3) missing"),
            fmspc ?? throw Error("FMSPC (.4) missing"));
    }

    private static (byte[] Components, ushort PceSvn, byte[] CpuSvn) ReadTcb(AsnReader tcb)
    {
        var comps = new byte[16];
        var seen = new bool[16];
        ushort? pceSvn = null;
        byte[]? cpuSvn = null;
        while (tcb.HasData)
        {
            var item = tcb.ReadSequence();
            var oid = item.ReadObjectIdentifier();
            if (!oid.StartsWith(TcbOid + ".", StringComparison.Ordinal)
                || !int.TryParse(oid.AsSpan(TcbOid.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                item.ReadEncodedValue();
                continue;
            }

            if (n is >= 1 and <= 16)
            {
                comps[n - 1] = (byte)ReadBounded(item, 255, $"sgxTcbComp{n:00}Svn");
                seen[n - 1] = true;
            }
            else if (n == 17)
            {
                pceSvn = (ushort)ReadBounded(item, ushort.MaxValue, "PCESVN");
            }
            else if (n == 18)
            {
                cpuSvn = ReadOctets(item, 16, "CPUSVN");
            }
            else
            {
                item.ReadEncodedValue();
            }

            EnsureEnd(item);
        }

        var missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw Error($"TCB component sgxTcbComp{missing + 1:00}Svn missing");
        }

        return (comps, pceSvn ?? throw Error("PCESVN (.2.17) missing"), cpuSvn ?? throw Error("CPUSVN (.2.18) missing"));
    }

    private static int ReadBounded(AsnReader reader, int max, string name)
    {
        var value = reader.ReadInteger();
        if (value < BigInteger.Zero || value > max)
        {
            throw Error($"{name}: expected 0..{max}, got {value}");
        }

        return (int)value;
    }

    private static byte[] ReadOctets(AsnReader reader, int length, string name)
    {
        var value = reader.ReadOctetString();
        if (value.Length != length)
        {
            throw Error($"{name}: expected {length} bytes, got {value.Length}");
        }

        return value;
    }

    private static void EnsureEnd(AsnReader reader)
    {
        if (reader.HasData)
        {
            throw Error("unexpected data after a value");
        }
    }

    private static AttestationFormatException Error(string message) => new($"PCK certificate SGX extension: {message}");
}
