using System;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm;
using Constellation.Attestation;

namespace Constellation.Cluster.Bootstrapper.NodeLock;

/// <summary>
/// A PCR of the node's (v)TPM as the cluster-ID register: the one the variant's definition names
/// (<see cref="ClusterIdRegisters.VtpmPcr"/>, PCR 15, for every vTPM-based variant). Extending applies
/// <c>TPM2_PCR_Event</c> semantics: every allocated SHA-1/SHA-256/SHA-384 bank is extended with that bank's hash of the
/// cluster ID, so the SHA-256 bank becomes <c>SHA-256(PCR ‖ SHA-256(clusterID))</c>, which is what verifiers expect.
/// </summary>
/// <remarks>
/// Each call opens a transport with the given opener and closes it before returning; safe to call concurrently.
/// On a swtpm socket (one connection at a time) pass the opener of the <see cref="SharedTpmConnection"/> the node's
/// issuer uses, so the register and the issuer never wait on each other's connection.
/// </remarks>
public sealed class TpmClusterIdRegister : IClusterIdRegister
{
    // TPM 2.0 PC Client platforms have 24 PCRs.
    private const uint PcrCount = 24;

    private readonly Func<CancellationToken, ValueTask<ITpmTransport>> _openTpm;
    private readonly int _pcr;

    /// <summary>Creates the register on PCR 15 (<see cref="ClusterIdRegisters.VtpmPcr"/>).</summary>
    /// <param name="openTpm">Opens a connection to the TPM (device or swtpm socket).</param>
    public TpmClusterIdRegister(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm)
        : this(openTpm, ClusterIdRegisters.VtpmPcr)
    {
    }

    /// <summary>Creates the register on a given PCR (the variant definition's <c>ClusterIdRegister</c>).</summary>
    /// <param name="openTpm">Opens a connection to the TPM (device or swtpm socket).</param>
    /// <param name="pcr">The PCR index, 0 to 23.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pcr"/> is not a PCR of a TPM 2.0 PC Client platform.</exception>
    public TpmClusterIdRegister(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, uint pcr)
    {
        ArgumentNullException.ThrowIfNull(openTpm);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pcr, PcrCount);
        _openTpm = openTpm;
        _pcr = (int)pcr;
    }

    /// <inheritdoc />
    public uint Index => (uint)_pcr;

    /// <inheritdoc />
    public async ValueTask<bool> IsExtendedAsync(CancellationToken cancellationToken = default)
    {
        var tpm = new TpmClient(await _openTpm(cancellationToken).ConfigureAwait(false));
        await using (tpm.ConfigureAwait(false))
        {
            var values = await tpm.PcrReadAsync(new TpmPcrSelection(TpmAlgorithm.Sha256, [_pcr]), cancellationToken).ConfigureAwait(false);
            return values.TryGetValue(_pcr, out var value) && value.Any(b => b != 0);
        }
    }

    /// <inheritdoc />
    public async ValueTask ExtendAsync(ReadOnlyMemory<byte> clusterId, CancellationToken cancellationToken = default)
    {
        var tpm = new TpmClient(await _openTpm(cancellationToken).ConfigureAwait(false));
        await using (tpm.ConfigureAwait(false))
        {
            var banks = await tpm.GetPcrBanksAsync(cancellationToken).ConfigureAwait(false);
            var extended = false;
            foreach (var bank in banks.Where(b => b.Contains(_pcr)).Select(b => b.Hash))
            {
                byte[]? digest = bank switch
                {
#pragma warning disable CA5350 // The TPM's SHA-1 bank must get SHA-1 (TPM2_PCR_Event semantics); it is not used for security here.
                    TpmAlgorithm.Sha1 => SHA1.HashData(clusterId.Span),
#pragma warning restore CA5350
                    TpmAlgorithm.Sha256 => SHA256.HashData(clusterId.Span),
                    TpmAlgorithm.Sha384 => SHA384.HashData(clusterId.Span),
                    _ => null,
                };
                if (digest is not null)
                {
                    await tpm.PcrExtendAsync(_pcr, bank, digest, cancellationToken).ConfigureAwait(false);
                    extended |= bank == TpmAlgorithm.Sha256;
                }
            }

            if (!extended)
            {
                throw new InvalidOperationException($"TPM: no SHA-256 bank with PCR {_pcr} is allocated; the cluster ID cannot be measured");
            }
        }
    }
}
