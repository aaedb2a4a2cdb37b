using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>
/// azure-sev-snp's <c>firmwareSignerConfig</c>: the accepted ID key digests of the firmware signer,
/// what happens when the digest is not accepted, and the MAA URL for the fallback.
/// </summary>
public sealed class FirmwareSignerConfig : IEquatable<FirmwareSignerConfig>
{
    /// <summary>Length of an ID key digest (SHA-384).</summary>
    public const int DigestLength = 48;

    /// <summary>Creates a firmware signer config.</summary>
    /// <param name="acceptedKeyDigests">The accepted ID key digests, 48 bytes each.</param>
    /// <param name="enforcementPolicy">What to do when the digest is not accepted.</param>
    /// <param name="maaUrl">The MAA URL (empty in a user config; the CLI fills it in).</param>
    /// <exception cref="AttestationFormatException">A digest is not 48 bytes long.</exception>
    public FirmwareSignerConfig(IEnumerable<ReadOnlyMemory<byte>> acceptedKeyDigests, EnforcementPolicy enforcementPolicy, string? maaUrl = null)
    {
        ArgumentNullException.ThrowIfNull(acceptedKeyDigests);
        var digests = ImmutableArray.CreateBuilder<ImmutableArray<byte>>();
        foreach (var digest in acceptedKeyDigests)
        {
            if (digest.Length != DigestLength)
            {
                throw new AttestationFormatException(
                    $"firmwareSignerConfig.acceptedKeyDigests[{digests.Count}]: expected {DigestLength} bytes ({DigestLength * 2} hex digits), got {digest.Length} bytes");
            }

            digests.Add(digest.ToArray().ToImmutableArray());
        }

        if (!Enum.IsDefined(enforcementPolicy))
        {
            throw new AttestationFormatException($"firmwareSignerConfig.enforcementPolicy: expected Equal, MAAFallback or WarnOnly, got {(int)enforcementPolicy}");
        }

        AcceptedKeyDigests = digests.ToImmutable();
        EnforcementPolicy = enforcementPolicy;
        MaaUrl = maaUrl ?? string.Empty;
    }

    /// <summary>Gets Constellation's default: the one known Azure firmware signer digest, policy <c>MAAFallback</c>.</summary>
    public static FirmwareSignerConfig Default { get; } = new(
        [Convert.FromHexString("0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3")],
        EnforcementPolicy.MaaFallback);

    /// <summary>Gets the accepted ID key digests (48 bytes each).</summary>
    public ImmutableArray<ImmutableArray<byte>> AcceptedKeyDigests { get; }

    /// <summary>Gets the enforcement policy.</summary>
    public EnforcementPolicy EnforcementPolicy { get; }

    /// <summary>Gets the MAA URL, or the empty string.</summary>
    public string MaaUrl { get; }

    /// <summary>Gets the policy name as Constellation writes it (<c>Equal</c>, <c>MAAFallback</c>, <c>WarnOnly</c>).</summary>
    public string EnforcementPolicyName => EnforcementPolicy switch
    {
        EnforcementPolicy.Equal => "Equal",
        EnforcementPolicy.WarnOnly => "WarnOnly",
        EnforcementPolicy.MaaFallback => "MAAFallback",
        _ => throw new InvalidOperationException($"firmwareSignerConfig.enforcementPolicy: undefined value {(int)EnforcementPolicy}"),
    };

    /// <summary>Parses an enforcement policy name case-insensitively.</summary>
    /// <param name="name">The name, e.g. <c>maaFallback</c>.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The name is not a known policy.</exception>
    public static EnforcementPolicy ParsePolicy(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "EQUAL" => EnforcementPolicy.Equal,
            "MAAFALLBACK" => EnforcementPolicy.MaaFallback,
            "WARNONLY" => EnforcementPolicy.WarnOnly,
            _ => throw new AttestationFormatException($"firmwareSignerConfig.enforcementPolicy: expected Equal, MAAFallback or WarnOnly, got \"{name}\""),
        };
    }

    /// <inheritdoc />
    public bool Equals(FirmwareSignerConfig? other) =>
        other is not null
        && EnforcementPolicy == other.EnforcementPolicy
        && string.Equals(MaaUrl, other.MaaUrl, StringComparison.Ordinal)
        && AcceptedKeyDigests.Length == other.AcceptedKeyDigests.Length
        && AcceptedKeyDigests.Zip(other.AcceptedKeyDigests).All(p => p.First.AsSpan().SequenceEqual(p.Second.AsSpan()));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FirmwareSignerConfig);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(EnforcementPolicy, MaaUrl, AcceptedKeyDigests.Length);
}
