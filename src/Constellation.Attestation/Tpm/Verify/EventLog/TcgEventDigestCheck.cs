using System;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify.EventLog;

/// <summary>
/// The only public way to a <see cref="TcgEvent"/>'s data: checked against the record's digests first, because a quote
/// (through the replay) covers the digests and nothing else. Extension methods, so that the layout type in
/// <c>Tpm.WireFormat.EventLog</c> stays free of hashing.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TcgEventDigestCheck
{
    // Strongest first, so that a mismatch is reported for the bank a quote is most likely to have verified.
    private static readonly TpmAlgorithm[] HashableBanks = [TpmAlgorithm.Sha512, TpmAlgorithm.Sha384, TpmAlgorithm.Sha256, TpmAlgorithm.Sha1];

    /// <summary>
    /// Returns the event data after checking that it is what was measured: every digest the record carries in a bank
    /// this library can hash (SHA-512, SHA-384, SHA-256, SHA-1) must be the hash of the data, and there must be at least one.
    /// </summary>
    /// <remarks>
    /// Every bank is checked, not only the one a quote verified, so whichever bank the replay was verified for, the data
    /// is what that bank measured (a record whose banks disagree is malformed). Only event types that firmware hashes over
    /// exactly their data pass: EV_S_CRTM_VERSION, EV_NONHOST_INFO, EV_SEPARATOR, EV_EFI_ACTION,
    /// EV_EFI_VARIABLE_DRIVER_CONFIG. Types hashed over something else (EV_POST_CODE, EV_EFI_BOOT_SERVICES_APPLICATION:
    /// the image; EV_EFI_VARIABLE_BOOT on some firmware: the variable value only; shim's EV_EFI_VARIABLE_AUTHORITY: the
    /// data without its last byte; GRUB's EV_IPL: the command without its prefix) are refused: reading their data needs
    /// that type's own rule (see docs/vtpm.md).
    /// </remarks>
    /// <param name="e">The record.</param>
    /// <returns>The data.</returns>
    /// <exception cref="TcgEventDigestException">A digest is not the hash of the data, or no digest can be checked.</exception>
    public static ReadOnlyMemory<byte> GetVerifiedData(this TcgEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = e.UnverifiedData;
        var checkedAny = false;
        foreach (var bank in HashableBanks)
        {
            if (!e.Digests.TryGetValue(bank, out var recorded))
            {
                continue;
            }

            var actual = TpmHash.Compute(bank, data.Span);
            if (!recorded.AsSpan().SequenceEqual(actual))
            {
                throw new TcgEventDigestException(e.Sequence, e.PcrIndex, e.EventType, bank, Convert.ToHexStringLower(recorded.AsSpan()), Convert.ToHexStringLower(actual));
            }

            checkedAny = true;
        }

        return checkedAny
            ? data
            : throw new TcgEventDigestException(e.Sequence, e.PcrIndex, e.EventType, TpmAlgorithm.Null, string.Empty, string.Empty);
    }

    /// <summary>Returns whether any hashable digest of the record is the hash of <paramref name="content"/> (the type is not consulted).</summary>
    internal static bool HasDigestOf(this TcgEvent e, ReadOnlySpan<byte> content)
    {
        foreach (var bank in HashableBanks)
        {
            if (e.Digests.TryGetValue(bank, out var recorded) && recorded.AsSpan().SequenceEqual(TpmHash.Compute(bank, content)))
            {
                return true;
            }
        }

        return false;
    }
}
