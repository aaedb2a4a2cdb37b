using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Grpc.Core;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// The options <c>init</c> and <c>verify</c> share to decide what a node must prove: <c>--config</c> (the attestation
/// section of <c>constellation-conf.yaml</c>) or <c>--variant</c> with <c>--measurements</c> (a measurements JSON file).
/// </summary>
internal sealed class ClusterAttestation
{
    public Option<string> Endpoint { get; } = new("--endpoint")
    {
        Description = "The node as host:port (init: the bootstrapper's init port 9000; verify: the verification service's gRPC port 9090).",
        Required = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"The cluster configuration whose attestation section is used (default ./{ConstellationConfigFile.DefaultFileName}; ignored with --variant).",
    };

    public Option<string?> Variant { get; } = new("--variant")
    {
        Description = "The attestation variant (name or OID); instead of the configuration file.",
    };

    public Option<string?> Measurements { get; } = new("--measurements")
    {
        Description = "A measurements JSON file ({\"0\":{\"expected\":\"<hex>\",\"warnOnly\":false},…}); replaces the configuration's measurements.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(Config);
        command.Options.Add(Variant);
        command.Options.Add(Measurements);
    }

    /// <summary>Reads the attestation config the options select.</summary>
    /// <exception cref="UnusableInputException">The options or files are unusable.</exception>
    public async Task<AttestationConfig> LoadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        AttestationConfig config;
        if (parse.GetValue(Variant) is { } variantName)
        {
            var definition = CliVariants.Parse(variantName, "--variant");
            config = definition.CreateDefaultConfig();
            if (parse.GetValue(Measurements) is null && definition.RequiresMeasurements)
            {
                throw new UnusableInputException(
                    $"--variant {definition.Variant.Name}: the measurements to expect are missing",
                    "pass --measurements <file> or use --config with fetched measurements");
            }
        }
        else
        {
            var path = Path.GetFullPath(parse.GetValue(Config) ?? ConstellationConfigFile.DefaultFileName);
            string text;
            try
            {
                text = InputFile.ReadText(path, "configuration", InputCap.ConfigFile);
            }
            catch (UnusableInputException ex)
            {
                throw new UnusableInputException(ex.Message, "run `constellation config generate` or pass --config, or --variant with --measurements");
            }

            try
            {
                config = ConstellationConfigFile.Parse(text, CliVariants.Registry).Attestation;
            }
            catch (AttestationFormatException ex)
            {
                throw new UnusableInputException($"configuration {path}: {ex.Message}", "fix the attestation section of the file");
            }
        }

        if (parse.GetValue(Measurements) is { } measurementsPath)
        {
            try
            {
                var bytes = InputFile.ReadBytes(measurementsPath, "--measurements", InputCap.Measurements);
                config = config.WithMeasurements(MeasurementJson.Parse(bytes));
            }
            catch (AttestationFormatException ex)
            {
                throw new UnusableInputException($"--measurements {measurementsPath}: {ex.Message}", "the file must be Constellation's measurements JSON");
            }
        }

        return config;
    }

    /// <summary>Builds the validator for a config with what this CLI offers the variant.</summary>
    /// <exception cref="UnusableInputException">This CLI cannot validate the variant (the reason names what is missing), or the config is unusable.</exception>
    public static IAttestationValidator CreateValidator(AttestationConfig config, CliVariants variants)
    {
        var factory = variants.Factory(config.Variant);
        var capability = factory.GetCapability(config.Variant);
        if (!capability.IsAvailable)
        {
            throw CliVariants.Unavailable(config.Definition, "validation", capability);
        }

        try
        {
            return factory.Create(config);
        }
        catch (AttestationException ex)
        {
            throw new UnusableInputException(
                $"attestation config for {config.Variant.Name}: {ex.Message}", "fix the measurements, and resolve \"latest\" versions (constellation config fetch-measurements)");
        }
    }

    /// <summary>The attestation failure behind a transport or RPC error, if there is one.</summary>
    public static AttestationException? FindAttestationFailure(Exception? error)
    {
        var pending = new Stack<Exception>();
        if (error is not null)
        {
            pending.Push(error);
        }

        while (pending.TryPop(out var current))
        {
            if (current is AttestationException attestation)
            {
                return attestation;
            }

            if (current is RpcException { Status.DebugException: { } debug })
            {
                pending.Push(debug);
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return null;
    }
}
