using System;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Issuers.Commands;

/// <summary>A key loaded in the TPM: its transient or persistent handle, public area and name.</summary>
public sealed class TpmCreatedKey
{
    /// <summary>Creates the description of a loaded key.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="publicArea">The public area.</param>
    /// <param name="name">The TPM name.</param>
    public TpmCreatedKey(uint handle, TpmPublic publicArea, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(publicArea);
        Handle = handle;
        Public = publicArea;
        Name = name.ToArray();
    }

    /// <summary>Gets the handle.</summary>
    public uint Handle { get; }

    /// <summary>Gets the public area.</summary>
    public TpmPublic Public { get; }

    /// <summary>Gets the TPM name (nameAlg ‖ H(public area)).</summary>
    public ReadOnlyMemory<byte> Name { get; }
}
