using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>PEM helpers for tamper sweeps over DER certificates.</summary>
internal static class Pem
{
    public static string Certificate(ReadOnlySpan<byte> der) => new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der));

    public static string Certificates(params X509Certificate2[] certificates) =>
        string.Join('\n', certificates.Select(c => Certificate(c.RawData)));

    /// <summary>The DER bodies of every CERTIFICATE block, in order.</summary>
    public static List<byte[]> DerBlocks(string pem)
    {
        var result = new List<byte[]>();
        var rest = pem.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
        {
            result.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End.Value..];
        }

        return result;
    }

    /// <summary>
    /// Replaces the DER of the <paramref name="index"/>th block with <paramref name="der"/> of the same length, keeping
    /// every line break where it was (so the PEM text keeps its length and can be spliced back into a binary structure).
    /// </summary>
    public static string ReplaceBlockInPlace(string pem, int index, byte[] der)
    {
        var rest = pem.AsSpan();
        var consumed = 0;
        for (var i = 0; ; i++)
        {
            if (!System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            if (i == index)
            {
                var start = consumed + fields.Base64Data.Start.Value;
                var end = consumed + fields.Base64Data.End.Value;
                var encoded = Convert.ToBase64String(der);
                var chars = pem.ToCharArray();
                var next = 0;
                for (var p = start; p < end; p++)
                {
                    if (!char.IsWhiteSpace(chars[p]))
                    {
                        chars[p] = encoded[next++];
                    }
                }

                if (next != encoded.Length)
                {
                    throw new ArgumentException("the replacement must have the same length as the original block", nameof(der));
                }

                return new string(chars);
            }

            consumed += fields.Location.End.Value;
            rest = rest[fields.Location.End.Value..];
        }
    }
}
