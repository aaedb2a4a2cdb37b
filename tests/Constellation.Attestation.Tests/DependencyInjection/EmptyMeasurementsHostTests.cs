using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Tests.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Attestation.Tests.DependencyInjection;

/// <summary>A host whose policy file has no measurements does not start, unless its options allow it by name.</summary>
public class EmptyMeasurementsHostTests
{
    private string _path = null!;

    [SetUp]
    public void WritePolicy()
    {
        _path = Path.GetTempFileName();
        File.WriteAllText(_path, "{\"measurements\":{}}");
    }

    [TearDown]
    public void DeletePolicy() => File.Delete(_path);

    [Test]
    public async Task A_policy_file_without_measurements_stops_start_up()
    {
        using var host = BuildHost(allowEmpty: null, new ListLogger());

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<EmptyMeasurementsException>()).Which.Message.Should().Contain(_path).And.Contain("qemuVTPM.measurements");
    }

    [Test]
    public async Task With_AllowEmptyMeasurements_the_host_starts_and_logs_a_warning()
    {
        var logger = new ListLogger();
        using var host = BuildHost(allowEmpty: true, logger);

        await host.StartAsync();

        host.Services.GetRequiredService<IAttestationValidator>().Variant.Should().Be(AttestationVariant.QemuVtpm);
        logger.Warnings.Should().ContainSingle(w => w.Contains("no measurement", StringComparison.Ordinal)).Which.Should().Contain(_path);
        await host.StopAsync();
    }

    private IHost BuildHost(bool? allowEmpty, ListLogger logger)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Constellation:Attestation:Variant"] = "qemu-vtpm",
            ["Constellation:Attestation:PolicyFile"] = _path,
            ["Constellation:Attestation:WatchPolicyFile"] = "false",
        };
        if (allowEmpty is { } allow)
        {
            settings["Constellation:Attestation:AllowEmptyMeasurements"] = allow ? "true" : "false";
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddProvider(new SingleLoggerProvider(logger));
        builder.Services.AddConstellationAttestation(builder.Configuration.GetSection("Constellation:Attestation"));
        return builder.Build();
    }

    private sealed class SingleLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
