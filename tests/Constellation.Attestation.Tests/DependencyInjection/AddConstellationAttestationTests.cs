using Constellation.Attestation;
using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants.Dummy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.Tests.DependencyInjection;

public class AddConstellationAttestationTests
{
    private static readonly byte[] Nonce = Enumerable.Repeat((byte)3, 32).ToArray();

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddConstellationAttestation(builder.Configuration.GetSection("Constellation:Attestation"));
        return builder.Build();
    }

    [Test]
    public async Task Options_bound_from_configuration_give_a_working_validator_after_start()
    {
        using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "dummy" });
        await host.StartAsync();

        var validator = host.Services.GetRequiredService<IAttestationValidator>();
        var document = await new DummyIssuer().IssueAsync("user"u8.ToArray(), Nonce);
        var result = await validator.ValidateAsync(document, Nonce);

        validator.Variant.Should().Be(AttestationVariant.Dummy);
        result.UserData.ToArray().Should().Equal("user"u8.ToArray());
        await host.StopAsync();
    }

    [Test]
    public async Task An_unknown_variant_stops_start_up_with_the_list_of_known_variants()
    {
        using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "qemu-vtmp" });

        var act = () => host.StartAsync();

        var error = (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Message.Should().Contain("\"qemu-vtmp\"").And.Contain("qemu-vtpm (1.3.9900.5.1)");
    }

    [Test]
    public async Task A_missing_variant_stops_start_up_naming_the_setting()
    {
        using var host = BuildHost(new());

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("'Variant' is required");
    }

    [Test]
    public async Task A_real_variant_without_a_policy_file_stops_start_up_naming_the_setting()
    {
        using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "qemu-vtpm" });

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("'PolicyFile' is required for variant qemu-vtpm");
    }

    [Test]
    public async Task A_policy_file_that_does_not_exist_stops_start_up_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "attestationConfig");
        using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "qemu-vtpm", ["Constellation:Attestation:PolicyFile"] = path });

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(path).And.Contain("does not exist");
    }

    [Test]
    public async Task An_unparseable_policy_file_stops_start_up_with_a_typed_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "{ not json");
            using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "dummy", ["Constellation:Attestation:PolicyFile"] = path });

            var act = () => host.StartAsync();

            await act.Should().ThrowAsync<AttestationException>();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void The_default_factory_of_a_host_configured_for_another_variant_cannot_build_dummy()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "qemu-vtpm", ["Constellation:Attestation:PolicyFile"] = path });

            var factory = host.Services.GetRequiredService<AttestationValidatorFactory>();

            factory.CanCreate(AttestationVariant.Dummy).Should().BeFalse();
            factory.CanCreate(AttestationVariant.QemuVtpm).Should().BeTrue();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void The_default_factory_of_a_host_configured_for_dummy_by_name_builds_it()
    {
        using var host = BuildHost(new() { ["Constellation:Attestation:Variant"] = "dummy" });

        host.Services.GetRequiredService<AttestationValidatorFactory>().CanCreate(AttestationVariant.Dummy).Should().BeTrue();
    }
}
