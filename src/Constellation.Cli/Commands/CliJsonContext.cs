using System.Collections.Generic;
using System.Text.Json.Serialization;
using Constellation.Cli.Commands.Atls;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cli.Commands.Evidence.Snp;
using Constellation.Cli.Commands.Init;
using Constellation.Cli.Commands.Upgrade;
using Constellation.Cli.Commands.Verify;

namespace Constellation.Cli.Commands;

/// <summary>
/// The JSON the commands print (<c>--json</c>), serialized by the source generator: the CLI publishes as Native AOT,
/// where reflection-based serialization is not available. Member names are camelCase, nulls are written, the encoder
/// is the serializer's default — the output the tests pin.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VerifyFailure))]
[JsonSerializable(typeof(VerifySuccess))]
[JsonSerializable(typeof(InitResult))]
[JsonSerializable(typeof(ProbeFailure))]
[JsonSerializable(typeof(ProbeSuccess))]
[JsonSerializable(typeof(SnpReportFailure))]
[JsonSerializable(typeof(List<VariantRow>))]
[JsonSerializable(typeof(MiniUpJson))]
[JsonSerializable(typeof(MiniStatusJson))]
[JsonSerializable(typeof(UpgradeApplyResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
