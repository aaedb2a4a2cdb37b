using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// The process around a daemon: configuration from file, environment and flags (<see cref="DaemonConfiguration"/>),
/// checked before anything starts; a Generic Host whose console lifetime turns SIGTERM and SIGINT into a graceful stop;
/// one log line per event on standard error (<see cref="SingleLineConsoleFormatter"/>).
/// </summary>
/// <remarks>
/// Exit codes: 0 after a stop (SIGTERM, SIGINT, also while the daemon is still starting); 2 when the configuration is invalid (one line on standard error naming
/// the setting, what is expected and what was given); 1 when the daemon could not start or failed (one line).
/// </remarks>
public static class DaemonHost
{
    /// <summary>The exit code of a clean stop.</summary>
    public const int Stopped = 0;

    /// <summary>The exit code of a daemon that failed to start or run.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of an invalid configuration.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>How long a stop may take before the host gives up waiting for the services.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Runs a daemon until it is stopped.</summary>
    /// <param name="name">The executable's name, for messages.</param>
    /// <param name="args">The command line.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="keys">The section's keys.</param>
    /// <param name="listKeys">The keys that hold lists.</param>
    /// <param name="register">Reads the settings (throwing <see cref="ClusterConfigurationException"/>) and registers the daemon's services; returns the log level.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(
        string name, IReadOnlyList<string> args, string section, IReadOnlyCollection<string> keys, IReadOnlyCollection<string> listKeys, Func<IConfiguration, IServiceCollection, LogLevel> register) =>
        RunAsync(name, args, section, keys, listKeys, [], register);

    /// <summary>Runs a daemon that also takes per-node host input (<see cref="DaemonConfiguration.MetadataFlag"/>) until it is stopped.</summary>
    /// <param name="name">The executable's name, for messages.</param>
    /// <param name="args">The command line.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="keys">The section's keys.</param>
    /// <param name="listKeys">The keys that hold lists.</param>
    /// <param name="metadataKeys">The keys a <c>--metadata</c> file may set.</param>
    /// <param name="register">Reads the settings (throwing <see cref="ClusterConfigurationException"/>) and registers the daemon's services; returns the log level.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        string name,
        IReadOnlyList<string> args,
        string section,
        IReadOnlyCollection<string> keys,
        IReadOnlyCollection<string> listKeys,
        IReadOnlyCollection<string> metadataKeys,
        Func<IConfiguration, IServiceCollection, LogLevel> register)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(register);
        // A stop requested before the host's console lifetime listens (settings, host build) or while the services are
        // still starting is a clean stop too: the start is cancelled, what started is disposed, the exit code is 0.
        using var stop = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = name });
        LogLevel level;
        try
        {
            var configuration = DaemonConfiguration.Build(args, section, keys, listKeys, metadataKeys, environment: null);
            builder.Configuration.AddConfiguration(configuration);
            level = register(configuration, builder.Services);
        }
        catch (ClusterConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"{name}: invalid configuration: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return InvalidConfiguration;
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSingleLineConsole();
        builder.Logging.SetMinimumLevel(level);

        // ASP.NET Core's per-request and routing logs are noise in a node log; warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // The host's own start and stop errors are the daemon's one "failed:" line below (and a stop during start is no
        // error): logging them here too would make two lines of one event, or a "fail" line for a clean stop.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.Configure<Microsoft.Extensions.Hosting.ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        var host = builder.Build();
        try
        {
            // RunAsync disposes the host (and with it every service that started) however it ends.
            await host.RunAsync(stop.Token).ConfigureAwait(false);
            return Stopped;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Stopped;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"{name}: failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return Failed;
        }

        void RequestStop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
