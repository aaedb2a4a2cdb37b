using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Validate;
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

    /// <summary>
    /// The validators this CLI can build without cloud credentials for the variant the user named (--variant, --config,
    /// mini's --variant); dummy, which accepts every document, only when that variant is dummy.
    /// </summary>
    public static AttestationValidatorFactory Factory(AttestationVariant requested)
    {
        var factory = AttestationValidatorFactory.CreateDefault();
        return requested == AttestationVariant.Dummy ? factory.RegisterDummy() : factory;
    }

    /// <summary>Reads the attestation config the options select.</summary>
    /// <exception cref="UnusableInputException">The options or files are unusable.</exception>
    public async Task<AttestationConfig> LoadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        AttestationConfig config;
        if (parse.GetValue(Variant) is { } variantName)
        {
            AttestationVariant variant;
            try
            {
                variant = AttestationVariant.Parse(variantName);
            }
            catch (UnknownVariantException ex)
            {
                throw new UnusableInputException($"--variant: {ex.Message}", "run `constellation variants` for the list");
            }

            config = AttestationConfig.CreateDefault(variant);
            if (parse.GetValue(Measurements) is null && variant != AttestationVariant.Dummy)
            {
                throw new UnusableInputException(
                    $"--variant {variant.Name}: the measurements to expect are missing",
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
                config = ConstellationConfigFile.Parse(text).Attestation;
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

    /// <summary>Builds the validator for a config.</summary>
    /// <exception cref="UnusableInputException">This CLI cannot validate the variant, or the config is unusable.</exception>
    public static IAttestationValidator CreateValidator(AttestationConfig config)
    {
        var factory = Factory(config.Variant);
        if (!factory.CanCreate(config.Variant))
        {
            throw new UnusableInputException(
                $"variant {config.Variant.Name}: this CLI validates dummy and qemu-vtpm nodes only",
                "cloud variants need their provider's collateral; validate them with the library's validators");
        }

        try
        {
            return factory.Create(config);
        }
        catch (AttestationException ex)
        {
            throw new UnusableInputException($"attestation config for {config.Variant.Name}: {ex.Message}", "fix the measurements");
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
