using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;

namespace Constellation.Cluster.Bootstrapper.NodeLock;

/// <summary>
/// A process-local stand-in for PCR 15, for nodes of the <c>dummy</c> variant that have no measurement hardware: it applies
/// the same extend formula (<c>SHA-256(register ‖ SHA-256(data))</c>) to a 32-byte value that starts all-zero.
/// It proves nothing to a remote verifier; the attested variants use the TPM's real PCR.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class InMemoryClusterIdRegister : IClusterIdRegister
{
    private readonly Lock _gate = new();
    private byte[] _value = new byte[32];

    /// <inheritdoc />
    public uint Index => ClusterIdRegisters.VtpmPcr;

    /// <summary>Gets a copy of the current register value.</summary>
    public byte[] Value
    {
        get
        {
            lock (_gate)
            {
                return (byte[])_value.Clone();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> IsExtendedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(Array.Exists(_value, b => b != 0));
        }
    }

    /// <inheritdoc />
    public ValueTask ExtendAsync(ReadOnlyMemory<byte> clusterId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _value = MeasurementSet.ExtendRegister(_value, clusterId.Span);
        }

        return ValueTask.CompletedTask;
    }
}
