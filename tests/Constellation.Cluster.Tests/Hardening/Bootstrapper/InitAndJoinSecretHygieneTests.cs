using System.Collections.Concurrent;
using System.Security.Cryptography;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Constellation.Tests;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests.Hardening.Bootstrapper;

/// <summary>
/// Runs bootstrapper init on one node and a join of a second (dummy variant over real aTLS, LUKS2 image files), plus
/// refused inits (wrong init secret, second init), with every log line captured at Trace; then scans logs, error
/// messages and <c>ToString()</c> for the master secret, the init secret, the measurement secret and both disk keys.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public sealed class InitAndJoinSecretHygieneTests
{
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);

    [Test]
    [CancelAfter(180_000)]
    public async Task Secrets_never_appear_in_logs_error_messages_or_ToString_during_init_and_join(CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("hygiene-init-").FullName;
        var logs = new LineCapture();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var nodes = new List<BootstrapperNode>();
        var captured = new List<string>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                nodes.Add(await StartNodeAsync(dir, $"hygiene-{i}", loggers));
            }

            var master = MasterSecret.Generate();
            var salt = RandomNumberGenerator.GetBytes(32);
            var channels = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [new DummyValidator()] });
            using var channel = channels.CreateChannel(nodes[0].InitAddress);

            // Refused first: a wrong init secret.
            captured.Add(await FailureAsync(() => InitClient.InitAsync(channel, master, salt, RandomNumberGenerator.GetBytes(32), "hygiene", cancellationToken: cancellationToken)));
            var result = await InitClient.InitAsync(channel, master, salt, InitSecret, "hygiene", cancellationToken: cancellationToken);
            captured.Add(result.ToString());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            foreach (var node in nodes)
            {
                await node.Activation.Activated.WaitAsync(timeout.Token);
            }

            // Refused again: a second init on an initialised node.
            captured.Add(await FailureAsync(() => InitClient.InitAsync(channel, MasterSecret.Generate(), salt, InitSecret, "again", cancellationToken: cancellationToken)));
            captured.Add(master.ToString());
            captured.AddRange(nodes.Select(n => n.ToString()!));

            var scanner = new SecretScanner()
                .Add("master secret", master.Key.Span)
                .Add("init secret", InitSecret)
                .Add("measurement secret", ClusterKeyDerivation.DeriveDataKey(master, DataKeyId.MeasurementSecret, 32));
            foreach (var node in nodes)
            {
                scanner.Add($"disk key of {node.Options.NodeName}", ClusterKeyDerivation.DeriveDataKey(master, DataKeyId.StateDisk(StateDiskUuid.Parse(node.Activation.Disk.Uuid)), 32));
            }

            logs.Lines.Should().NotBeEmpty();
            var haystack = SecretScanner.Join(captured.Concat(logs.Lines));
            scanner.FindIn(haystack).Should().BeEmpty($"none of {scanner.SecretCount} secrets may appear in {logs.Lines.Count} log lines or {captured.Count} messages");
            haystack.Should().NotContain("PRIVATE KEY");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<BootstrapperNode> StartNodeAsync(string dir, string name, ILoggerFactory loggers)
    {
        var nodeDir = Path.Combine(dir, name);
        Directory.CreateDirectory(nodeDir);
        var image = Path.Combine(nodeDir, "state.img");
        using (var file = File.Create(image))
        {
            file.SetLength(20 * 1024 * 1024);
        }

        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = nodeDir,
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            MetadataFile = Path.Combine(dir, "metadata"),
            StateDisk = new LuksStateDiskOptions { DevicePath = image, MapAfterUnlock = false },
        };
        return await BootstrapperNode.StartAsync(
            options,
            new DummyIssuer(),
            new InMemoryClusterIdRegister(),
            NodeTransports.Attested(new DummyIssuer(), new DummyValidator()),
            new MetadataFileJoinEndpointSource(options.MetadataFile),
            loggers,
            TimeProvider.System);
    }

    private static async Task<string> FailureAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (InitFailedException ex)
        {
            return $"{ex.Message}\n{ex}";
        }

        Assert.Fail("the init was expected to be refused");
        return string.Empty;
    }

    private sealed class LineCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LineCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
