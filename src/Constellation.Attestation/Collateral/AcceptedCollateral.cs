using System;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// What an accept callback of <see cref="CachedCollateralSource.GetConvertedAsync"/> keeps of a checked download: the bytes to cache
/// (the body, or the body with what else the caller needs again on a cache hit, such as an issuer chain header) and
/// when they stop being usable.
/// </summary>
/// <param name="Content">The bytes to store (copied into the entry).</param>
/// <param name="ExpiresAt">When the entry stops being usable, or <see langword="null"/> for immutable collateral.</param>
public readonly record struct AcceptedCollateral(ReadOnlyMemory<byte> Content, DateTimeOffset? ExpiresAt);
