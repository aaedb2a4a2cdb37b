namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>The Intel CA that issued a PCK certificate; it selects the PCK CRL (<c>ca=platform</c> or <c>ca=processor</c>).</summary>
public enum PckCaType
{
    /// <summary>Intel SGX PCK Platform CA.</summary>
    Platform,

    /// <summary>Intel SGX PCK Processor CA.</summary>
    Processor,
}
