using System;
using System.Collections.Immutable;
using Constellation.Attestation.Tpm.Verify.EventLog;

namespace Constellation.Attestation.Tpm.WireFormat.EventLog;

/// <summary>One record of a TCG PC Client crypto-agile event log (TCG_PCR_EVENT2). Immutable.</summary>
/// <remarks>
/// A quote covers PCR values, and the replay ties those to the records' <see cref="Digests"/> only. Nothing signed
/// covers a record's type, its PCR index beyond the replay, or its data: the data is reachable only through
/// <see cref="GetVerifiedData"/>, which first checks that it hashes to the digests.
/// </remarks>
public sealed class TcgEvent
{
    /// <summary>EV_NO_ACTION: informational, never extended into a PCR.</summary>
    public const uint NoAction = 0x00000003;

    /// <summary>EV_SEPARATOR.</summary>
    public const uint Separator = 0x00000004;

    /// <summary>EV_S_CRTM_VERSION.</summary>
    public const uint SCrtmVersion = 0x00000008;

    /// <summary>EV_NONHOST_INFO.</summary>
    public const uint NonHostInfo = 0x00000011;

    // Strongest first, so that a mismatch is reported for the bank a quote is most likely to have verified.
    private static readonly TpmAlgorithm[] HashableBanks = [TpmAlgorithm.Sha512, TpmAlgorithm.Sha384, TpmAlgorithm.Sha256, TpmAlgorithm.Sha1];

    private readonly byte[] _data;

    internal TcgEvent(int sequence, uint pcrIndex, uint eventType, ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> digests, byte[] data)
    {
        Sequence = sequence;
        PcrIndex = pcrIndex;
        EventType = eventType;
        Digests = digests;
        _data = data;
    }

    /// <summary>Gets the record's position in the log (0 is the Spec ID header).</summary>
    public int Sequence { get; }

    /// <summary>Gets the PCR the event was extended into.</summary>
    public uint PcrIndex { get; }

    /// <summary>Gets the event type (EV_*) as the log states it; no digest covers it.</summary>
    public uint EventType { get; }

    /// <summary>Gets the event's digest per bank.</summary>
    public ImmutableDictionary<TpmAlgorithm, ImmutableArray<byte>> Digests { get; }

    /// <summary>
    /// Gets the event data without any check. Only for values that the replay itself binds (the StartupLocality of
    /// PCR 0 sets the value the replay starts from) and for the digest check.
    /// </summary>
    internal ReadOnlySpan<byte> UnverifiedData => _data;

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
    /// <returns>The data.</returns>
    /// <exception cref="TcgEventDigestException">A digest is not the hash of the data, or no digest can be checked.</exception>
    public ReadOnlyMemory<byte> GetVerifiedData()
    {
        var checkedAny = false;
        foreach (var bank in HashableBanks)
        {
            if (!Digests.TryGetValue(bank, out var recorded))
            {
                continue;
            }

            var actual = TpmHash.Compute(bank, _data);
            if (!recorded.AsSpan().SequenceEqual(actual))
            {
                throw new TcgEventDigestException(Sequence, PcrIndex, EventType, bank, Convert.ToHexStringLower(recorded.AsSpan()), Convert.ToHexStringLower(actual));
            }

            checkedAny = true;
        }

        return checkedAny
            ? _data
            : throw new TcgEventDigestException(Sequence, PcrIndex, EventType, TpmAlgorithm.Null, string.Empty, string.Empty);
    }

    /// <summary>Returns whether any hashable digest of the record is the hash of <paramref name="content"/> (the type is not consulted).</summary>
    internal bool HasDigestOf(ReadOnlySpan<byte> content)
    {
        foreach (var bank in HashableBanks)
        {
            if (Digests.TryGetValue(bank, out var recorded) && recorded.AsSpan().SequenceEqual(TpmHash.Compute(bank, content)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Names an event type for messages (<c>EV_SEPARATOR</c>, or the hex value for types this library does not read).</summary>
    internal static string NameOf(uint eventType) => eventType switch
    {
        NoAction => "EV_NO_ACTION",
        Separator => "EV_SEPARATOR",
        SCrtmVersion => "EV_S_CRTM_VERSION",
        NonHostInfo => "EV_NONHOST_INFO",
        _ => $"type 0x{eventType:x8}",
    };
}
