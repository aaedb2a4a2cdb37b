using System;
using System.Globalization;
using System.Text;

namespace Constellation.Attestation.Tpm.EventLog;

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
public sealed class GcePlatformState
{
    private const string GceFirmwarePrefix = "GCE Virtual Firmware v";
    private static readonly byte[] NonHostInfoSignature = Encoding.ASCII.GetBytes("GCE NonHostInfo\0");

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

    /// <summary>Derives the platform state from a parsed log (only PCR 0 events are read).</summary>
    /// <param name="log">The event log (replay it against a verified quote first).</param>
    /// <returns>The platform state.</returns>
    /// <exception cref="AttestationFormatException">A PCR 0 event is malformed or repeated.</exception>
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

            if (e.EventType == TcgEvent.SCrtmVersion)
            {
                if (seenScrtm)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence}: expected one EV_S_CRTM_VERSION event in PCR 0, got another");
                }

                seenScrtm = true;
                scrtm = DecodeUtf16(e.Data.Span);
                if (scrtm is not null && scrtm.StartsWith(GceFirmwarePrefix, StringComparison.Ordinal)
                    && uint.TryParse(scrtm.AsSpan(GceFirmwarePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                {
                    version = v;
                }
            }
            else if (e.EventType == TcgEvent.NonHostInfo && e.Data.Length >= 17 && e.Data.Span[..16].SequenceEqual(NonHostInfoSignature))
            {
                if (seenNonHost)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence}: expected one GCE NonHostInfo event in PCR 0, got another");
                }

                seenNonHost = true;
                var raw = e.Data.Span[16];
                if (raw > (byte)GceConfidentialTechnology.AmdSevSnp)
                {
                    throw new AttestationFormatException($"event log: event {e.Sequence} GCE NonHostInfo technology: expected 0..4, got {raw}");
                }

                technology = (GceConfidentialTechnology)raw;
            }
        }

        return new GcePlatformState(version, technology, scrtm);
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
