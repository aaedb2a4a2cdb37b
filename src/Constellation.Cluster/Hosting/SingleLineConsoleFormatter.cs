using System;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// Writes each log event as one line: <c>2026-12-01T10:00:00.000Z info Category: message | ExceptionType: message</c>.
/// Line breaks inside a message or an exception message become spaces and stack traces are left out, so one event
/// is always one line (what <c>mini logs</c> and journald show). The daemons log no secret in the first place; this
/// only shapes the line.
/// </summary>
public sealed class SingleLineConsoleFormatter : ConsoleFormatter
{
    /// <summary>The formatter's name.</summary>
    public const string FormatterName = "constellation-single-line";

    /// <summary>Creates the formatter.</summary>
    public SingleLineConsoleFormatter()
        : base(FormatterName)
    {
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var line = new StringBuilder(128)
            .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ')
            .Append(Level(logEntry.LogLevel))
            .Append(' ')
            .Append(logEntry.Category)
            .Append(": ");
        AppendOneLine(line, message ?? string.Empty);
        if (logEntry.Exception is { } exception)
        {
            line.Append(" | ").Append(exception.GetType().Name).Append(": ");
            AppendOneLine(line, exception.Message);
        }

        textWriter.Write(line.Append('\n').ToString());
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private static void AppendOneLine(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            line.Append(c is '\r' or '\n' ? ' ' : c);
        }
    }
}

/// <summary>Registers the daemons' logging.</summary>
public static class SingleLineConsoleLoggingExtensions
{
    /// <summary>Logs every event as one line on standard error (<see cref="SingleLineConsoleFormatter"/>).</summary>
    /// <param name="builder">The logging builder.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddSingleLineConsole(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConsole(options =>
        {
            options.FormatterName = SingleLineConsoleFormatter.FormatterName;
            options.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        // Registered directly rather than with AddConsoleFormatter<TFormatter, TOptions>, which binds formatter options
        // from configuration by reflection (not available under Native AOT); this formatter has no options.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, SingleLineConsoleFormatter>());
        return builder;
    }
}
