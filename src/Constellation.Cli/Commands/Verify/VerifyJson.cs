using System.Collections.Generic;

namespace Constellation.Cli.Commands.Verify;

/// <summary><c>constellation verify --json</c> for a node that failed verification.</summary>
internal sealed record VerifyFailure(string Endpoint, bool Verified, string Error);

/// <summary><c>constellation verify --json</c> for a verified node.</summary>
internal sealed record VerifySuccess(string Endpoint, string Variant, bool Verified, bool ClusterIdChecked, IReadOnlyList<string> Warnings, IReadOnlyList<VerifiedMeasurement> Measurements);

/// <summary>One measurement of a verified node: its value, the expected value and whether they match.</summary>
internal sealed record VerifiedMeasurement(uint Index, string Value, string? Expected, string Status);
