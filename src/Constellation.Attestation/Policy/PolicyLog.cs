using System;
using Microsoft.Extensions.Logging;

namespace Constellation.Attestation.Policy;

/// <summary>The log messages of the updateable validator and its watcher.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Attestation policy loaded from {Source}: variant {Variant}, {MeasurementCount} measurements, generation {Generation}")]
    public static partial void PolicyApplied(ILogger logger, string source, string variant, int measurementCount, long generation);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "Attestation policy in {Source} is unchanged (generation {Generation})")]
    public static partial void PolicyUnchanged(ILogger logger, string source, long generation);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "Attestation policy reload from {Source} failed; keeping generation {Generation} (variant {Variant}): {Reason}")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string source, long generation, string variant, string reason);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Attestation policy variant changed from {OldVariant} to {NewVariant} ({Source})")]
    public static partial void VariantChanged(ILogger logger, string oldVariant, string newVariant, string source);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Error, Message = "File watcher for {Path} failed; re-arming it and reloading")]
    public static partial void WatcherFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Debug, Message = "Change event {ChangeType} for {Name} in {Directory}")]
    public static partial void ChangeSeen(ILogger logger, System.IO.WatcherChangeTypes changeType, string? name, string directory);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Warning, Message = "Attestation policy from {Source} for {Variant} has no measurements and is applied because AllowEmptyMeasurements is set: no measurement is compared, so the evidence of any image is accepted")]
    public static partial void NoMeasurementsAllowed(ILogger logger, string source, string variant);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Error, Message = "A ReloadCompleted handler for {Source} threw; the policy watch continues")]
    public static partial void ReloadHandlerFailed(ILogger logger, Exception exception, string source);
}
