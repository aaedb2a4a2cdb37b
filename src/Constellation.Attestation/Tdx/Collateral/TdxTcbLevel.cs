using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>One platform TCB level of TDX TCB info: minimum SVNs and the status a platform at or above them gets. Immutable.</summary>
public sealed class TdxTcbLevel
{
    private readonly byte[] _sgxComponents;
    private readonly byte[] _tdxComponents;

    internal TdxTcbLevel(byte[] sgxComponents, ushort pceSvn, byte[] tdxComponents, DateTimeOffset tcbDate, string status, IReadOnlyList<string> advisoryIds)
    {
        _sgxComponents = sgxComponents;
        PceSvn = pceSvn;
        _tdxComponents = tdxComponents;
        TcbDate = tcbDate;
        Status = status;
        AdvisoryIds = advisoryIds;
    }

    /// <summary>Gets the 16 minimum SGX TCB component SVNs.</summary>
    public ReadOnlySpan<byte> SgxTcbComponents => _sgxComponents;

    /// <summary>Gets the minimum PCE SVN.</summary>
    public ushort PceSvn { get; }

    /// <summary>Gets the 16 minimum TDX TCB component SVNs (compared with TEE_TCB_SVN).</summary>
    public ReadOnlySpan<byte> TdxTcbComponents => _tdxComponents;

    /// <summary>Gets the level's TCB date.</summary>
    public DateTimeOffset TcbDate { get; }

    /// <summary>Gets the TCB status string (see <see cref="TcbStatus"/>).</summary>
    public string Status { get; }

    /// <summary>Gets the Intel security advisory IDs that apply at this level.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; }
}
