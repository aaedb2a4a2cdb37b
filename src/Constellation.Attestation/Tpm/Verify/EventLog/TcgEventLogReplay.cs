using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify.EventLog;

/// <summary>
/// Replays a <see cref="TcgEventLog"/> against the PCR values of a verified quote: what binds the log's digests to the
/// quote. Extension methods, so that the layout type in <c>Tpm.WireFormat.EventLog</c> stays free of hashing.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TcgEventLogReplay
{
    private static readonly byte[] StartupLocalitySignature = Encoding.ASCII.GetBytes("StartupLocality\0");

    /// <summary>
    /// Replays the log for one bank: each PCR starts at zero (PCR 0 at the StartupLocality value when the log
    /// says so) and is extended with every non-EV_NO_ACTION event's digest.
    /// </summary>
    /// <param name="log">The parsed log.</param>
    /// <param name="bank">The bank to replay.</param>
    /// <returns>The replayed value of every PCR that has at least one extending event.</returns>
    /// <exception cref="AttestationFormatException">The log does not record this bank, or an event lacks its digest.</exception>
    public static IReadOnlyDictionary<int, byte[]> Replay(this TcgEventLog log, TpmAlgorithm bank)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.DigestSizes.ContainsKey(bank) || !TpmHash.IsSupported(bank))
        {
            throw new AttestationFormatException(
                $"event log: expected digests for the {TpmHash.ToDisplayName(bank)} bank, the log records {string.Join(", ", log.DigestSizes.Keys.Select(TpmHash.ToDisplayName))}");
        }

        var size = TpmHash.GetDigestSize(bank);
        var pcrs = new Dictionary<int, byte[]>();
        var startupLocality = (byte)0;
        foreach (var e in log.Events)
        {
            if (e.EventType == TcgEvent.NoAction)
            {
                // Read unverified (EV_NO_ACTION has no digest): the locality is the value PCR 0 starts from, so a
                // false one makes the replay of PCR 0 differ from the quote.
                var data = e.UnverifiedData.Span;
                if (e.PcrIndex == 0 && data.Length >= 17 && data[..16].SequenceEqual(StartupLocalitySignature))
                {
                    startupLocality = data[16];
                }

                continue;
            }

            if (!e.Digests.TryGetValue(bank, out var digest))
            {
                throw new AttestationFormatException(
                    $"event log: event {e.Sequence} (PCR {e.PcrIndex}, type 0x{e.EventType:x8}) has no {TpmHash.ToDisplayName(bank)} digest");
            }

            var index = checked((int)e.PcrIndex);
            if (!pcrs.TryGetValue(index, out var current))
            {
                current = new byte[size];
                if (index == 0)
                {
                    current[^1] = startupLocality;
                }
            }

            pcrs[index] = TpmHash.Compute(bank, [.. current, .. digest.AsSpan()]);
        }

        return pcrs;
    }

    /// <summary>
    /// Replays the log for a bank and requires every PCR the log touches to equal the quoted value.
    /// </summary>
    /// <param name="log">The parsed log.</param>
    /// <param name="bank">The quoted bank.</param>
    /// <param name="quotedPcrs">The PCR values covered by a verified quote.</param>
    /// <exception cref="AttestationFormatException">The log cannot be replayed for this bank.</exception>
    /// <exception cref="AttestationBindingException">A replayed PCR differs from the quoted value, or was not quoted.</exception>
    public static void VerifyAgainst(this TcgEventLog log, TpmAlgorithm bank, IReadOnlyDictionary<int, byte[]> quotedPcrs)
    {
        ArgumentNullException.ThrowIfNull(quotedPcrs);
        foreach (var (index, replayed) in log.Replay(bank).OrderBy(kv => kv.Key))
        {
            if (!quotedPcrs.TryGetValue(index, out var quoted))
            {
                throw new AttestationBindingException($"event log PCR {index} ({TpmHash.ToDisplayName(bank)})", Convert.ToHexStringLower(replayed), "PCR not quoted");
            }

            if (!CryptographicOperations.FixedTimeEquals(quoted, replayed))
            {
                throw new AttestationBindingException(
                    $"event log replay of PCR {index} ({TpmHash.ToDisplayName(bank)})", Convert.ToHexStringLower(quoted), Convert.ToHexStringLower(replayed));
            }
        }
    }
}
