using System;
using System.Security.Cryptography;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// Remembers the PCR digest of the last PCR value set a validator saw: a machine reports the same values on every
/// handshake (and machines booted from one image report the same values), so comparing the values with the last set is
/// enough to reuse its digest. The key is the exact bytes hashed (bank hash and the concatenated values), so a changed
/// byte is a new computation. Thread-safe: the remembered entry is an immutable snapshot.
/// </summary>
internal sealed class TpmPcrDigestMemo
{
    private const int MaxRemembered = 4096;

    private volatile Entry? _last;

    /// <summary>Computes <c>H(pcr[i0] ‖ pcr[i1] ‖ …)</c> over ascending indices, reusing the last digest for identical input.</summary>
    /// <param name="hash">The hash algorithm.</param>
    /// <param name="pcrs">The PCR values in ascending index order.</param>
    /// <returns>The digest (never written to by anyone: callers only compare it).</returns>
    public byte[] Compute(TpmAlgorithm hash, SortedPcrValues pcrs)
    {
        var input = pcrs.Concatenation;
        var last = _last;
        if (last is not null && last.Hash == hash && input.SequenceEqual(last.Input))
        {
            return last.Digest;
        }

        var digest = CryptographicOperations.HashData(TpmHash.GetName(hash), input);
        if (input.Length <= MaxRemembered)
        {
            _last = new Entry(hash, input.ToArray(), digest);
        }

        return digest;
    }

    private sealed record Entry(TpmAlgorithm Hash, byte[] Input, byte[] Digest);
}
