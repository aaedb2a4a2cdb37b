using System;

namespace Constellation.Attestation.ConfigFsTsm;

/// <summary>What a configfs-tsm entry returned, read under one unchanged <c>generation</c>. Immutable.</summary>
/// <remarks>Nothing here is checked against the request yet: parsing <see cref="OutBlob"/> and comparing its report data is the family's.</remarks>
public sealed class TsmReport
{
    internal TsmReport(string provider, byte[] outBlob, byte[] auxBlob, long generation)
    {
        Provider = provider;
        OutBlob = outBlob;
        AuxBlob = auxBlob;
        Generation = generation;
    }

    /// <summary>Gets the provider that produced the report (equal to the request's).</summary>
    public string Provider { get; }

    /// <summary>Gets the contents of <c>outblob</c>: the provider's report or quote.</summary>
    public ReadOnlyMemory<byte> OutBlob { get; }

    /// <summary>Gets the contents of <c>auxblob</c> (SEV-SNP: the host's certificate table), or empty when the entry has none.</summary>
    public ReadOnlyMemory<byte> AuxBlob { get; }

    /// <summary>Gets the entry's <c>generation</c> while the blobs were read.</summary>
    public long Generation { get; }
}
