using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tpm.Issuers;

/// <summary>Options of a <see cref="VtpmIssuer"/>.</summary>
public sealed class VtpmIssuerOptions
{
    /// <summary>Where Linux exposes the firmware event log.</summary>
    public const string DefaultEventLogPath = "/sys/kernel/security/tpm0/binary_bios_measurements";

    /// <summary>Gets the event log file read when <see cref="EventLogReader"/> is not set.</summary>
    public string EventLogPath { get; init; } = DefaultEventLogPath;

    /// <summary>
    /// Gets a function that supplies the event log instead of <see cref="EventLogPath"/>, e.g. an empty log for a
    /// swtpm without firmware. Failures propagate (upstream fails issuing when the log is unreadable).
    /// </summary>
    public Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? EventLogReader { get; init; }

    /// <summary>Gets how often a quote is retried when a PCR changed between quoting and reading it.</summary>
    public int MaxQuoteAttempts { get; init; } = 3;
}
