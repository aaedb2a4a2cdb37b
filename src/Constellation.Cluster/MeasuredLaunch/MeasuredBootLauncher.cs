using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// Plays firmware and boot loader for a node on a freshly reset TPM: starts it (TPM2_Startup CLEAR when nobody did),
/// requires the PCRs the launch extends to be zero, extends every allocated bank with each event's digest for that bank,
/// reads the PCRs back and requires them to equal the replay of the log it returns (the log the node's issuer sends).
/// </summary>
public static class MeasuredBootLauncher
{
    /// <summary>Runs the launch.</summary>
    /// <param name="transport">The node's TPM, just reset (its PCRs fresh); not disposed.</param>
    /// <param name="events">The events, in order (<see cref="NodeBootEvents.Create"/>).</param>
    /// <param name="cancellationToken">Cancels the launch.</param>
    /// <returns>The TCG crypto-agile event log of the launch.</returns>
    /// <exception cref="InvalidOperationException">
    /// The TPM was not reset (a PCR the launch extends is not zero), a bank's hash is unsupported, or the TPM's PCRs do
    /// not equal the log's replay afterwards.
    /// </exception>
    public static async Task<byte[]> LaunchAsync(ITpmTransport transport, IReadOnlyList<MeasuredBootEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(events);
        await using var tpm = new TpmClient(transport, ownsTransport: false);
        await tpm.StartupAsync(clear: true, cancellationToken).ConfigureAwait(false);
        var selections = await tpm.GetPcrBanksAsync(cancellationToken).ConfigureAwait(false);
        var unsupported = selections.Where(s => !TpmHash.IsSupported(s.Hash)).Select(s => TpmHash.ToDisplayName(s.Hash)).ToList();
        if (unsupported.Count > 0)
        {
            throw new InvalidOperationException($"measured launch: PCR banks: expected SHA-1, SHA-256, SHA-384 or SHA-512, the TPM also allocates {string.Join(", ", unsupported)}");
        }

        var touched = events.Select(e => e.Pcr).Distinct().Order().ToList();
        foreach (var selection in selections)
        {
            var before = await tpm.PcrReadAsync(new TpmPcrSelection(selection.Hash, touched), cancellationToken).ConfigureAwait(false);
            if (before.FirstOrDefault(kv => kv.Value.Any(b => b != 0)) is { Value: not null } dirty)
            {
                throw new InvalidOperationException(
                    $"measured launch: PCR {dirty.Key} ({TpmHash.ToDisplayName(selection.Hash)}): expected zero after a TPM reset, got {Convert.ToHexStringLower(dirty.Value)}");
            }
        }

        foreach (var e in events)
        {
            foreach (var selection in selections)
            {
                await tpm.PcrExtendAsync(e.Pcr, selection.Hash, e.Digest(selection.Hash), cancellationToken).ConfigureAwait(false);
            }
        }

        var log = BootEventLogWriter.Write(events, selections.Select(s => s.Hash).ToList());
        var parsed = TcgEventLog.Parse(log);
        foreach (var selection in selections)
        {
            var now = await tpm.PcrReadAsync(new TpmPcrSelection(selection.Hash, touched), cancellationToken).ConfigureAwait(false);
            foreach (var (pcr, replayed) in parsed.Replay(selection.Hash))
            {
                if (!CryptographicOperations.FixedTimeEquals(now[pcr], replayed))
                {
                    throw new InvalidOperationException(
                        $"measured launch: PCR {pcr} ({TpmHash.ToDisplayName(selection.Hash)}): expected the log's replay {Convert.ToHexStringLower(replayed)}, the TPM holds {Convert.ToHexStringLower(now[pcr])} (was something else extending it?)");
                }
            }
        }

        return log;
    }
}
