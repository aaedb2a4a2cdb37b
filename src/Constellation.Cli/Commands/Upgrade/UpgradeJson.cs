namespace Constellation.Cli.Commands.Upgrade;

/// <summary>What <c>upgrade apply --json</c> prints.</summary>
/// <param name="Variant">The variant of the applied policy.</param>
/// <param name="Digest">SHA-256 of the published attestation config JSON, as <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="Endpoint">The admin API that applied it.</param>
/// <param name="Config">The local configuration file updated with the new measurements.</param>
/// <param name="SignatureVerified">Whether the measurements' signature was checked (false only with <c>--insecure</c>).</param>
internal sealed record UpgradeApplyResult(string Variant, string Digest, string Endpoint, string Config, bool SignatureVerified);
