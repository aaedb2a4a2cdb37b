using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>A TDX module identity (<c>TDX_01</c>, …) from TCB info, with its own ISV SVN levels. Immutable.</summary>
public sealed class TdxModuleIdentity
{
    private readonly byte[] _mrSigner;
    private readonly byte[] _attributes;
    private readonly byte[] _attributesMask;

    internal TdxModuleIdentity(string id, byte[] mrSigner, byte[] attributes, byte[] attributesMask, IReadOnlyList<TdxModuleTcbLevel> levels)
    {
        Id = id;
        _mrSigner = mrSigner;
        _attributes = attributes;
        _attributesMask = attributesMask;
        TcbLevels = levels;
    }

    /// <summary>Gets the identity ID, <c>TDX_</c> followed by the module major version in two hex digits.</summary>
    public string Id { get; }

    /// <summary>Gets the expected MRSIGNERSEAM (48 bytes).</summary>
    public ReadOnlySpan<byte> MrSigner => _mrSigner;

    /// <summary>Gets the expected SEAMATTRIBUTES after masking (8 bytes).</summary>
    public ReadOnlySpan<byte> Attributes => _attributes;

    /// <summary>Gets the SEAMATTRIBUTES mask (8 bytes).</summary>
    public ReadOnlySpan<byte> AttributesMask => _attributesMask;

    /// <summary>Gets the module's TCB levels, newest first.</summary>
    public IReadOnlyList<TdxModuleTcbLevel> TcbLevels { get; }
}

/// <summary>A TCB level keyed on an ISV SVN (TDX module identity or QE identity). Immutable.</summary>
/// <param name="IsvSvn">The minimum ISV SVN.</param>
/// <param name="TcbDate">The level's TCB date.</param>
/// <param name="Status">The TCB status string.</param>
/// <param name="AdvisoryIds">Advisory IDs that apply at this level.</param>
public sealed record TdxModuleTcbLevel(ushort IsvSvn, DateTimeOffset TcbDate, string Status, IReadOnlyList<string> AdvisoryIds);
