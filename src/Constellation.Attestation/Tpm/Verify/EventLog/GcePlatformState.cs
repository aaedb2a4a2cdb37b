using System;
using System.Globalization;
using System.Text;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify.EventLog;

/// <summary>GCE confidential-computing technology as recorded in the GCE NonHostInfo event (go-tpm-tools enum values).</summary>
public enum GceConfidentialTechnology
{
    /// <summary>Not a confidential VM.</summary>
    None = 0,

    /// <summary>AMD SEV.</summary>
    AmdSev = 1,

    /// <summary>AMD SEV-ES.</summary>
    AmdSevEs = 2,

    /// <summary>Intel TDX.</summary>
    IntelTdx = 3,

    /// <summary>AMD SEV-SNP.</summary>
    AmdSevSnp = 4,
}

/// <summary>
/// The platform part of go-tpm-tools' MachineState, derived from PCR 0 events of a replayed event log: the GCE
/// firmware version (from the S-CRTM version string) and the confidential technology (from GCE NonHostInfo).
/// Only what the gcp-sev-es CVM check needs; Secure Boot and EFI application state are not derived.
/// </summary>
/// <remarks>
/// The rules are go-tpm-tools' (<c>server/eventlog.go</c>: <c>getPlatformState</c>, <c>checkIfValidSeparator</c>,
/// <c>convertToPbEvents</c>), made strict: only PCR 0 events before its EV_SEPARATOR are the firmware's and are read (a
/// guest can extend PCR 0 later with honest digests); a record whose digest is a separator's must be a valid
/// EV_SEPARATOR, so the end of the firmware's events cannot be hidden by relabelling it; and the data of every record
/// read is taken from <see cref="TcgEventDigestCheck.GetVerifiedData"/>, so a record whose data does not hash to its digests is
/// refused instead of believed (go-tpm-tools v0.4.x skips such records).
/// </remarks>
public sealed class GcePlatformState
{
    private const string GceFirmwarePrefix = "GCE Virtual Firmware v";
    private static readonly byte[] NonHostInfoSignature = Encoding.ASCII.GetBytes("GCE NonHostInfo\0");

    // The two values the PC Client firmware profile allows in an EV_SEPARATOR (the second one signals an error).
    private static readonly byte[] SeparatorZeros = [0x00, 0x00, 0x00, 0x00];
    private static readonly byte[] SeparatorOnes = [0xff, 0xff, 0xff, 0xff];

    private GcePlatformState(uint? gceVersion, GceConfidentialTechnology technology, string? scrtmVersion)
    {
        GceVersion = gceVersion;
        Technology = technology;
        ScrtmVersion = scrtmVersion;
    }

    /// <summary>Gets the GCE virtual firmware version, or <see langword="null"/> when the S-CRTM version is not a GCE firmware.</summary>
    public uint? GceVersion { get; }

    /// <summary>Gets the confidential technology (None when there is no NonHostInfo event).</summary>
    public GceConfidentialTechnology Technology { get; }

    /// <summary>Gets the S-CRTM version string, when it is UTF-16 text.</summary>
    public string? ScrtmVersion { get; }

    /// <summary>Derives the platform state from a parsed log (only PCR 0 events before its separator are read).</summary>
    /// <param name="log">The event log (replay it against a verified quote first: that binds the digests, this binds the data to them).</param>
    /// <returns>The platform state.</returns>
    /// <exception cref="TcgEventDigestException">The data of a record read does not hash to its digests.</exception>
    /// <exception cref="AttestationFormatException">A PCR 0 event is malformed or repeated, or a separator is invalid or relabelled.</exception>
    public static GcePlatformState FromEventLog(TcgEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        uint? version = null;
        string? scrtm = null;
        var technology = GceConfidentialTechnology.None;
        var seenScrtm = false;
        var seenNonHost = false;
        foreach (var e in log.Events)
        {
            if (e.PcrIndex != 0)
            {
                continue;
            }

            if (IsValidSeparator(e))
            {
                // Everything after it in PCR 0 may come from the guest.
                break;
            }

            if (e.EventType == TcgEvent.SCrtmVersion)
            {
                if (seenScrtm)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence}: expected one EV_S_CRTM_VERSION event in PCR 0, got another");
                }

                seenScrtm = true;
                scrtm = DecodeUtf16(e.GetVerifiedData().Span);
                if (scrtm is not null && scrtm.StartsWith(GceFirmwarePrefix, StringComparison.Ordinal)
                    && uint.TryParse(scrtm.AsSpan(GceFirmwarePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                {
                    version = v;
                }
            }
            else if (e.EventType == TcgEvent.NonHostInfo)
            {
                var data = e.GetVerifiedData().Span;
                if (data.Length < 17 || !data[..16].SequenceEqual(NonHostInfoSignature))
                {
                    // Bound, but not GCE's record: no technology (as go-tpm-tools' ParseGCENonHostInfo).
                    continue;
                }

                if (seenNonHost)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence}: expected one GCE NonHostInfo event in PCR 0, got another");
                }

                seenNonHost = true;
                var raw = data[16];
                if (raw > (byte)GceConfidentialTechnology.AmdSevSnp)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence} GCE NonHostInfo technology: expected 0..4, got {raw}");
                }

                technology = (GceConfidentialTechnology)raw;
            }
        }

        return new GcePlatformState(version, technology, scrtm);
    }

    /// <summary>
    /// Returns whether a PCR 0 record is the firmware's separator. Any record that claims to be one or carries a
    /// separator's digest is checked, because the type is not covered by the digest (go-attestation's
    /// event-log-disclosure): a separator relabelled as something else would hide the end of the firmware's events.
    /// </summary>
    private static bool IsValidSeparator(TcgEvent e)
    {
        if (e.EventType != TcgEvent.Separator && !e.HasDigestOf(SeparatorZeros) && !e.HasDigestOf(SeparatorOnes))
        {
            return false;
        }

        if (e.EventType != TcgEvent.Separator)
        {
            throw new AttestationFormatException(
                $"event log: event {e.Sequence} (PCR {e.PcrIndex}, {TcgEvent.NameOf(e.EventType)}): expected EV_SEPARATOR for a record with a separator's digest (of 00000000 or ffffffff), got {TcgEvent.NameOf(e.EventType)}");
        }

        var data = e.GetVerifiedData().Span;
        if (!data.SequenceEqual(SeparatorZeros) && !data.SequenceEqual(SeparatorOnes))
        {
            throw new AttestationFormatException(
                $"event log: event {e.Sequence} (PCR {e.PcrIndex}, EV_SEPARATOR) separator data: expected 00000000 or ffffffff, got {Convert.ToHexStringLower(data)}");
        }

        return true;
    }

    private static string? DecodeUtf16(ReadOnlySpan<byte> data)
    {
        if (data.Length % 2 != 0)
        {
            return null;
        }

        var text = Encoding.Unicode.GetString(data);
        return text.TrimEnd('\0');
    }
}
